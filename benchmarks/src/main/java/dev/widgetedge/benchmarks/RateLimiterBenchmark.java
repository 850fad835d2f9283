package dev.widgetedge.benchmarks;

import dev.widgetedge.core.store.RateCountStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.RateLimitSettings;
import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.client.ClientAddressResolver;
import dev.widgetedge.gateway.client.TrustedProxies;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.limit.RateLimiter;
import dev.widgetedge.gateway.limit.Refusal;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the rate limits cost an allowed request that is far below them, as the exchange handler
 * runs them: {@link RateLimiter#refuseMiss} before the lookup, then {@link RateLimiter#admit} for
 * the allowed key, for one key requested from {@value #CLIENTS} client addresses in random order
 * (the load harness's {@code limits} scenario). The limiter is built as the gateway builds it (the
 * coarse ticker; {@code Runnable::run} as the cache's upkeep, so Caffeine's maintenance is paid in
 * the figure rather than on another thread):
 *
 * <ul>
 *   <li>{@code local}: counts in memory only, as {@code widget-edge dev} runs it;</li>
 *   <li>{@code shared}: sharing through a stand-in store that answers every round at once with two
 *       gateways live, so the admissions run the shared path (the cap, the degraded check) while
 *       the sync thread runs its rounds beside them;</li>
 *   <li>{@code shared_twoThreads}: the same from two threads, as the gateway's two I/O threads.</li>
 *   <li>{@code noLimits}: the same calls with every limit off, the cost without limits.</li>
 * </ul>
 *
 * <p>The per-client limit is the largest there is (a million a minute) so that no subject comes
 * near it however fast the benchmark runs: every request is admitted (an iteration fails
 * otherwise), and none asks for a round. Per request the gateway pays the same lookups at 600 a
 * minute; what it pays on top there, one request in thirty that queues its subject for the next
 * round, is the sync's and is measured by the load harness.
 *
 * <p>Run (bytes/op is {@code gc.alloc.rate.norm}; target 0):
 * <pre>{@code
 * ./mvnw -q -B package -DskipTests -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar RateLimiterBenchmark -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RateLimiterBenchmark {

    static final int CLIENTS = 20_000;
    private static final int SIZE = 1 << 16;
    private static final int MASK = SIZE - 1;

    private final Decision.Allowed allowed = new Decision.Allowed(UUID.randomUUID(), "acct_bench", null, false);
    private ClientAddress[] requested;
    private CoarseTicker ticker;
    private RateLimiter local;
    private RateLimiter shared;
    private RateLimiter noLimits;

    /** Each thread's position in {@link #requested}, and what it saw refused. */
    @State(Scope.Thread)
    public static class Cursor {
        int index = new SplittableRandom().nextInt(SIZE);
        long refused;

        @TearDown(Level.Iteration)
        public void checkNothingRefused() {
            if (refused != 0) {
                throw new IllegalStateException(refused + " requests refused: the benchmark measured refusals");
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        ClientAddressResolver resolver = new ClientAddressResolver(TrustedProxies.none());
        ClientAddress[] clients = new ClientAddress[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            byte[] address = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            clients[i] = resolver.peer(InetAddress.getByAddress(address));
        }
        SplittableRandom random = new SplittableRandom(42);
        requested = new ClientAddress[SIZE];
        for (int i = 0; i < SIZE; i++) {
            requested[i] = clients[random.nextInt(CLIENTS)];
        }
        ticker = CoarseTicker.start();
        RateLimitSettings defaults = RateLimitSettings.defaults();
        RateLimitSettings neverHit = new RateLimitSettings(RateLimitSettings.MAX_LIMIT, defaults.keyPerMinute(),
                defaults.missPerMinute(), defaults.maxSubjects(), defaults.window(), defaults.buckets(),
                defaults.syncInterval());
        local = RateLimiter.local(neverHit, ticker, Runnable::run, GatewayMetrics.noop());
        shared = RateLimiter.shared(neverHit, new AnsweringStore(), Duration.ofSeconds(2), ticker, Runnable::run,
                GatewayMetrics.noop());
        RateLimitSettings off = new RateLimitSettings(0, 0, 0, defaults.maxSubjects(), defaults.window(),
                defaults.buckets(), defaults.syncInterval());
        noLimits = RateLimiter.local(off, ticker, Runnable::run, GatewayMetrics.noop());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        shared.close();
        ticker.close();
    }

    private Refusal limit(RateLimiter limiter, Cursor cursor) {
        ClientAddress client = requested[cursor.index++ & MASK];
        Refusal refusal = limiter.refuseMiss(client);
        if (refusal == null) {
            refusal = limiter.admit(allowed, client);
        }
        if (refusal != null) {
            cursor.refused++;
        }
        return refusal;
    }

    @Benchmark
    @Threads(1)
    public Refusal local(Cursor cursor) {
        return limit(local, cursor);
    }

    @Benchmark
    @Threads(1)
    public Refusal shared(Cursor cursor) {
        return limit(shared, cursor);
    }

    @Benchmark
    @Threads(2)
    public Refusal shared_twoThreads(Cursor cursor) {
        return limit(shared, cursor);
    }

    @Benchmark
    @Threads(1)
    public Refusal noLimits(Cursor cursor) {
        return limit(noLimits, cursor);
    }

    /**
     * A store that answers every round at once with two gateways live. No subject comes near a
     * round here, so the rounds send nothing; a subject that did would read back empty buckets.
     */
    private static final class AnsweringStore implements RateCountStore {

        private static final int LIVE_GATEWAYS = 2;

        @Override
        public CompletionStage<Reply> sync(Request request) {
            List<int[]> windows = new ArrayList<>(request.subjects().size());
            for (int i = 0; i < request.subjects().size(); i++) {
                windows.add(new int[request.buckets() + 1]);
            }
            return CompletableFuture.completedFuture(new Reply(request.nowMillis(), LIVE_GATEWAYS, windows));
        }
    }
}
