package dev.widgetedge.benchmarks;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.decide.CachedKey;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.decide.ExistenceFilter;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.report.Tally;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
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
 * The steps of {@link DecidePathBenchmark#hit_allowed} one at a time, to see which dominate: the
 * key check, the lookup (and, for a key the recent-keys table misses, the key id's SHA-256 and the
 * decision cache's lookup), the freshness clock read, the decision on the cached key (origin parse
 * and allowlist match), the origin report's count, the usage mark. Also the whole path with a new key and origin
 * {@code String} per call, as the gateway has them (each request decodes its own strings, so
 * {@code String.hashCode} is computed afresh, where the plain benchmark's strings cache theirs):
 * its bytes/op include the two copies (the caller's allocation, 144 B for a 44-character key and
 * a 16-character origin), which belong to request decoding rather than to the decide path.
 *
 * <p>Run:
 * <pre>{@code
 * ./mvnw -q -B package -DskipTests -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar DecidePathParts -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecidePathPartsBenchmark {

    private UsageRecorder usage;
    private ExistenceFilter existence;
    private KeyDecider decider;
    private TrafficRecorder traffic;
    private CachedKey cached;
    private Tally tally;
    private String key;
    private char[] keyChars;
    private String origin = "https://acme.com";
    private char[] originChars;
    private CoarseTicker ticker;
    private Clock clock = Clock.systemUTC();

    @Setup(Level.Trial)
    public void setUp() {
        InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();
        key = BenchKeys.insert(store, BenchKeys.SMALL_ALLOWLIST);
        keyChars = key.toCharArray();
        originChars = origin.toCharArray();
        GatewaySettings settings = GatewaySettings.defaults();
        ticker = CoarseTicker.start();
        usage = UsageRecorder.manual(store, settings.usageFlush(), clock, ticker);
        existence = ExistenceFilter.start(store, GatewayMetrics.noop(), settings.cache().keyFilterRebuild());
        traffic = TrafficRecorder.manual(store, settings.cache().maxKeys(), ticker, GatewayMetrics.noop());
        decider = new KeyDecider(store, settings, usage, traffic, GatewayMetrics.noop(), existence, ticker, clock,
                Runnable::run);
        store.subscribe(decider);
    }

    /** Loads the key afresh before each iteration, so it stays fresh throughout. */
    @Setup(Level.Iteration)
    public void load() {
        // As after a reconnection: the entry is stale and read again.
        decider.onResubscribed();
        decider.decide(key, origin).toCompletableFuture().join();
        cached = decider.cache().asMap().get(KeyDigest.keyId(key));
        tally = traffic.countParsed(cached.id(), origin, Origin.parseHeaderOrNull(origin), ReportOutcome.ALLOWED,
                ticker.wallMillis());
        if (!(decider.decideCached(key, origin) instanceof Decision.Allowed)) {
            throw new IllegalStateException("the key is not allowed from the cache");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        existence.close();
        usage.close();
        ticker.close();
    }

    /** The whole path, strings shared across calls (as in DecidePathBenchmark). */
    @Benchmark
    public Decision whole() {
        return decider.decideCached(key, origin);
    }

    /** The whole path with a new key and origin String per call, as each request has. */
    @Benchmark
    public Decision whole_freshStrings() {
        return decider.decideCached(new String(keyChars), new String(originChars));
    }

    /** Step 1: format and checksum. */
    @Benchmark
    public boolean step1_keyFormat() {
        return WidgetKeyFormat.isWellFormed(key);
    }

    /** Step 2 on a miss of the recent keys: the key id's SHA-256, then the decision cache's lookup. */
    @Benchmark
    public CachedKey step2_keyIdAndCacheLookup() {
        return decider.cache().asMap().get(KeyDigest.keyId(key));
    }

    /** Step 3: the freshness check's clock read (the coarse ticker's field). */
    @Benchmark
    public long step3_tickerRead() {
        return ticker.read();
    }

    /**
     * Step 4: the cached key's decision (origin compare and allowlist match) and its count, here
     * without the recent-keys entry that remembers the origin's tally: so the count looks the tally
     * up, parsing the origin, which {@code whole} does not.
     */
    @Benchmark
    public Decision step4_cachedKeyDecide() {
        return cached.decide(origin, ticker.wallMillis(), traffic);
    }

    /** Step 4a: the origin parse alone. */
    @Benchmark
    public Origin step4a_originParse() {
        return Origin.parseHeaderOrNull(origin);
    }

    /** Step 4b: the origin report's count of a remembered tally (what {@code whole} pays for it). */
    @Benchmark
    public boolean step4b_originCount() {
        return tally.countIfCurrent(ticker.wallMillis());
    }

    /** Step 5: the usage mark (a volatile read within the flush window). */
    @Benchmark
    public void step5_usageMark() {
        usage.markUsed(cached, ticker.read());
    }
}
