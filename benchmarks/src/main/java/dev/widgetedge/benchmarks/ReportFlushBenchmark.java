package dev.widgetedge.benchmarks;

import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.report.TrafficRecorder;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one {@code --report-flush} costs the flusher thread when the origin report's hour holds
 * {@code keyCount} keys: the report's tallies live the hour, so every flush walks every key of it
 * to find the counts that are new. {@code idle}: no key counted anything since the last flush (the
 * walk alone, no store call); {@code onePercentNew}: 1 % of the keys counted one request each
 * since (the counting is in the figure too), and their writes built and sent to an in-memory store
 * that knows none of the keys (the gateway's side of the writes, not Redis's work). An hour that
 * turns during a run closes the window, and the next iteration counts into a new one.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar ReportFlush -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 2, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReportFlushBenchmark {

    private static final String ORIGIN = "https://acme.com";

    @Param("1000000")
    private int keyCount;

    private CoarseTicker ticker;
    private TrafficRecorder traffic;
    private UUID[] keys;
    private Origin origin;
    private int next;

    @Setup
    public void countEveryKey() {
        ticker = CoarseTicker.start();
        traffic = TrafficRecorder.manual(new InMemoryWidgetKeyStore(), keyCount, ticker, GatewayMetrics.noop());
        origin = Origin.parseHeaderOrNull(ORIGIN);
        keys = new UUID[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = UUID.randomUUID();
            count(keys[i]);
        }
        traffic.flush().join();
    }

    @TearDown
    public void stop() {
        ticker.close();
    }

    private void count(UUID key) {
        traffic.countParsed(key, ORIGIN, origin, ReportOutcome.ALLOWED, ticker.wallMillis());
    }

    @Benchmark
    public void idle() {
        traffic.flush().join();
    }

    @Benchmark
    public void onePercentNew() {
        int n = keyCount / 100;
        for (int i = 0; i < n; i++) {
            count(keys[next]);
            next = next + 1 == keyCount ? 0 : next + 1;
        }
        traffic.flush().join();
    }
}
