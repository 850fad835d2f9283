package dev.widgetedge.benchmarks;

import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.decide.ExistenceFilter;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The decide path under many keys from several threads at once, as the gateway's I/O threads run
 * it: {@code keyCount} cached keys requested with Zipf popularity (exponent 1), so most requests
 * are for a few keys and the rest spread over the long tail. Modelled on Caffeine's
 * {@code GetPutBenchmark}: the keys to ask for are drawn once into a power-of-two array, and each
 * thread walks it from its own random start, so no thread waits for a random number generator.
 *
 * <p>Per request: {@link KeyDecider#decideCached} (the recent-keys table), and when it has no
 * answer, {@link KeyDecider#decide} (the key id's SHA-256 and the decision cache). Every key is
 * loaded before the measurement, and an iteration fails if the store was read while it ran, so
 * the figure never contains a store read.
 *
 * <p>Run:
 * <pre>{@code
 * ./mvnw -q -B package -DskipTests -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar DecideZipf -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecideZipfBenchmark {

    private static final int SIZE = 1 << 20;
    private static final int MASK = SIZE - 1;

    @Param("1000000")
    public int keyCount;

    private final String origin = "https://acme.com";
    private String[] requested;
    private CoarseTicker ticker;
    private UsageRecorder usage;
    private ExistenceFilter existence;
    private KeyDecider decider;
    private TrafficRecorder traffic;
    private long loadsBeforeIteration;

    /** Each thread's position in {@link #requested}. */
    @State(Scope.Thread)
    public static class Cursor {
        int index = new SplittableRandom().nextInt(SIZE);
    }

    @Setup(Level.Trial)
    public void setUp() {
        InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();
        String[] keys = new String[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = BenchKeys.insert(store, List.of("https://acme.com", "https://*.acme.com"));
        }
        requested = zipfSample(keys, new SplittableRandom(42));

        GatewaySettings settings = GatewaySettings.builder().cacheMaxKeys(keyCount).build();
        Clock clock = Clock.systemUTC();
        ticker = CoarseTicker.start();
        usage = UsageRecorder.manual(store, settings.usageFlush(), clock, ticker);
        existence = ExistenceFilter.start(store, GatewayMetrics.noop(), settings.cache().keyFilterRebuild());
        traffic = TrafficRecorder.manual(store, settings.cache().maxKeys(), ticker, GatewayMetrics.noop());
        decider = new KeyDecider(store, settings, usage, traffic, GatewayMetrics.noop(), existence, ticker, clock,
                Runnable::run);
        store.subscribe(decider);
    }

    /** Loads every key afresh (as after a reconnection), so that none is stale within the iteration. */
    @Setup(Level.Iteration)
    public void loadKeys() {
        // As every --report-flush does: writes what the last iteration counted. The tallies live for
        // the hour, so an iteration measures what a request costs once its key and origin have been
        // counted in the hour: increments, not the first count's allocation (once per hour).
        traffic.flush().join();
        decider.onResubscribed();
        for (String key : requested) {
            decider.decide(key, origin).toCompletableFuture().join();
        }
        loadsBeforeIteration = decider.cache().stats().loadCount();
    }

    @TearDown(Level.Iteration)
    public void checkNoLoads() {
        long loads = decider.cache().stats().loadCount() - loadsBeforeIteration;
        if (loads != 0) {
            throw new IllegalStateException(loads + " store reads during the iteration: it measured misses");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        existence.close();
        usage.close();
        ticker.close();
    }

    /**
     * {@link #SIZE} draws of a key, rank r with probability proportional to 1/r (by inverting the
     * cumulative distribution over the ranks), the ranks shuffled onto {@code keys} so that
     * popularity does not follow insertion order.
     */
    private static String[] zipfSample(String[] keys, SplittableRandom random) {
        int n = keys.length;
        double[] cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1.0 / (rank + 1);
            cumulative[rank] = sum;
        }
        String[] shuffled = keys.clone();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String swap = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = swap;
        }
        String[] sample = new String[SIZE];
        for (int i = 0; i < SIZE; i++) {
            double target = random.nextDouble() * sum;
            int rank = Arrays.binarySearch(cumulative, target);
            sample[i] = shuffled[rank >= 0 ? rank : -rank - 1];
        }
        return sample;
    }

    private Decision decideOne(Cursor cursor) {
        String key = requested[cursor.index++ & MASK];
        Decision cached = decider.decideCached(key, origin);
        return cached != null ? cached : decider.decide(key, origin).toCompletableFuture().join();
    }

    @Benchmark
    @Threads(1)
    public Decision zipf_oneThread(Cursor cursor) {
        return decideOne(cursor);
    }

    @Benchmark
    @Threads(2)
    public Decision zipf_twoThreads(Cursor cursor) {
        return decideOne(cursor);
    }

    @Benchmark
    @Threads(4)
    public Decision zipf_fourThreads(Cursor cursor) {
        return decideOne(cursor);
    }
}
