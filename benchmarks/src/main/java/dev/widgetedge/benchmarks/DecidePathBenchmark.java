package dev.widgetedge.benchmarks;

import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.decide.ExistenceFilter;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's decide path for a key that is already cached, exactly as the bootstrap handler
 * runs it: {@link KeyDecider#decideCached(String, CharSequence)} — format and checksum check,
 * recent-keys lookup, freshness check, origin match, the origin report's count, usage mark. The
 * decider is built as {@code Gateway.start} builds it (default settings, coarse ticker, existence
 * filter) on an {@link InMemoryWidgetKeyStore}, with a no-op metrics sink and {@code Runnable::run}
 * as the caches' upkeep. Target: ≤ 150 ns/op and 0 B/op for a cached, allowed key.
 *
 * <p>Variants: an allowed exact origin, a wildcard match, a 100-entry allowlist matched by its
 * last entry (exact, and a wildcard as the 100th entry), an origin that is not allowed, a
 * well-formed key that was never created ({@link KeyDecider#decide}: key id digest and existence
 * filter, refused without a read), and a malformed key (checksum failure: decided before any
 * lookup). Every iteration checks that the store was not read while it ran, so a figure is
 * never that of a miss.
 *
 * <p>{@code decideCached} is never inlined into the benchmark loop. Compiled with its hit path it
 * is several kilobytes of machine code, past C2's limit for inlining compiled code
 * ({@code InlineSmallCode}, 2,500 bytes): every hit row calls it, as does any caller compiled
 * after it. A {@code malformedKey} fork sees malformed keys only and compiled it without its hit
 * path, just under that limit in one commit and just over it in the next: the row moved by 20 ns
 * between commits that did not change its code. Options given with {@code -jvmArgsAppend}
 * replace the {@code @Fork} ones; pass the same when comparing jars.
 *
 * <p>Run (bytes/op is {@code gc.alloc.rate.norm}):
 * <pre>{@code
 * ./mvnw -q -B package -DskipTests -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar DecidePath -prof gc
 * }</pre>
 * Keep iterations shorter than the negative TTL (10 s): entries are reloaded before each
 * iteration, and an iteration that outlives one fails instead of measuring misses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
// decideCached out of line in every row: see the class comment.
@Fork(value = 2, jvmArgsAppend = {"-XX:CompileCommand=quiet",
        "-XX:CompileCommand=dontinline,dev/widgetedge/gateway/decide/KeyDecider.decideCached"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecidePathBenchmark {

    private InMemoryWidgetKeyStore store;
    private ExistenceFilter existence;
    private CoarseTicker ticker;
    private UsageRecorder usage;
    private KeyDecider decider;
    private TrafficRecorder traffic;
    private AutoCloseable subscription;

    private String key;
    private String key100Exact;
    private String key100WildcardLast;
    private String unknownKey;
    private String malformedKey;

    // Not final, not static: JMH must not see constants it could fold.
    private String allowedOrigin = "https://acme.com";
    private String wildcardOrigin = "https://shop.acme.com";
    private String lastEntryOrigin = "https://site099.example";
    private String foreignOrigin = "https://evil.example";

    private long loadsBeforeIteration;

    @Setup(Level.Trial)
    public void setUp() {
        store = new InMemoryWidgetKeyStore();
        key = BenchKeys.insert(store, BenchKeys.SMALL_ALLOWLIST);
        key100Exact = BenchKeys.insert(store, BenchKeys.exactAllowlist100());
        key100WildcardLast = BenchKeys.insert(store, BenchKeys.wildcardLastAllowlist100());
        // Well-formed (valid checksum) but never stored: the existence filter rules it out.
        unknownKey = BenchKeys.insert(new InMemoryWidgetKeyStore(), List.of());
        malformedKey = BenchKeys.withBadChecksum(key);

        GatewaySettings settings = GatewaySettings.defaults();
        Clock clock = Clock.systemUTC();
        ticker = CoarseTicker.start();
        usage = UsageRecorder.manual(store, settings.usageFlush(), clock, ticker);
        existence = ExistenceFilter.start(store, GatewayMetrics.noop(), settings.cache().keyFilterRebuild());
        traffic = TrafficRecorder.manual(store, settings.cache().maxKeys(), ticker, GatewayMetrics.noop());
        decider = new KeyDecider(store, settings, usage, traffic, GatewayMetrics.noop(), existence, ticker, clock,
                Runnable::run);
        subscription = store.subscribe(decider);
    }

    /** Loads every key afresh, so that no entry goes stale or expires within the iteration. */
    @Setup(Level.Iteration)
    public void loadKeys() throws InterruptedException {
        // As every --report-flush does: writes what the last iteration counted. The tallies live for
        // the hour, so an iteration measures what a request costs once its key and origin have been
        // counted in the hour: increments, not the first count's allocation (once per hour).
        traffic.flush().join();
        // As after a reconnection: every entry stale, the existence filter rebuilt.
        decider.onResubscribed();
        for (String loaded : List.of(key, key100Exact, key100WildcardLast)) {
            decider.decide(loaded, allowedOrigin).toCompletableFuture().join();
        }
        while (!existence.isTrusted()) {
            Thread.sleep(1);
        }
        expect(decider.decideCached(key, allowedOrigin), null);
        expect(decider.decideCached(key, wildcardOrigin), null);
        expect(decider.decideCached(key, foreignOrigin), DenialReason.ORIGIN_NOT_ALLOWED);
        expect(decider.decideCached(key100Exact, lastEntryOrigin), null);
        expect(decider.decideCached(key100WildcardLast, wildcardOrigin), null);
        expect(decider.decide(unknownKey, allowedOrigin).toCompletableFuture().join(), DenialReason.UNKNOWN_KEY);
        expect(decider.decideCached(malformedKey, allowedOrigin), DenialReason.INVALID_KEY);
        loadsBeforeIteration = loads();
    }

    /** Fails the run if anything was read from the store during the iteration (a miss, not a hit). */
    @TearDown(Level.Iteration)
    public void checkNoLookups() {
        long loads = loads() - loadsBeforeIteration;
        if (loads != 0) {
            throw new IllegalStateException(loads + " store reads during the iteration: it measured misses");
        }
        for (String cached : List.of(key, key100Exact, key100WildcardLast)) {
            if (decider.decideCached(cached, allowedOrigin) == null) {
                throw new IllegalStateException("an entry went stale during the iteration; "
                        + "keep iterations shorter than the cache TTL (30 s)");
            }
        }
        if (decider.cache().estimatedSize() != 3 || decider.negativeCache().estimatedSize() != 0) {
            throw new IllegalStateException("an unknown or malformed key reached a cache");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        subscription.close();
        existence.close();
        usage.close();
        ticker.close();
    }

    private long loads() {
        return decider.cache().stats().loadCount();
    }

    /** Checks a decision: {@code null} means allowed. */
    private static void expect(Decision decision, DenialReason denial) {
        boolean ok = denial == null
                ? decision instanceof Decision.Allowed
                : decision instanceof Decision.Denied denied && denied.reason() == denial;
        if (!ok) {
            throw new IllegalStateException("expected " + (denial == null ? "allowed" : denial) + ", got " + decision);
        }
    }

    /** Cached key, exact origin on a 3-entry allowlist: the common case. */
    @Benchmark
    public Decision hit_allowed() {
        return decider.decideCached(key, allowedOrigin);
    }

    /** Cached key, origin matched by the {@code https://*.acme.com} entry. */
    @Benchmark
    public Decision hit_allowedByWildcard() {
        return decider.decideCached(key, wildcardOrigin);
    }

    /** Cached key with 100 exact entries, matched by the last one. */
    @Benchmark
    public Decision hit_allowlist100_lastExact() {
        return decider.decideCached(key100Exact, lastEntryOrigin);
    }

    /** Cached key with 99 exact entries and a wildcard last, matched by the wildcard. */
    @Benchmark
    public Decision hit_allowlist100_lastWildcard() {
        return decider.decideCached(key100WildcardLast, wildcardOrigin);
    }

    /** Cached key, origin not on the allowlist: {@code origin_not_allowed}. */
    @Benchmark
    public Decision hit_originNotAllowed() {
        return decider.decideCached(key, foreignOrigin);
    }

    /**
     * Well-formed key the store does not have: the key id's SHA-256 and the existence filter,
     * {@code unknown_key} without a read (and the completed stage it is returned in).
     */
    @Benchmark
    public CompletionStage<Decision> unknownKey_ruledOutByTheFilter() {
        return decider.decide(unknownKey, allowedOrigin);
    }

    /** Checksum failure: {@code invalid_key} with no cache or store lookup. */
    @Benchmark
    public Decision malformedKey() {
        return decider.decideCached(malformedKey, allowedOrigin);
    }
}
