package dev.widgetedge.benchmarks;

import dev.widgetedge.core.key.WidgetKeyFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The key format check the gateway runs first on every request, before any lookup:
 * {@link WidgetKeyFormat#isWellFormed} (prefix, length, base62 digits, CRC-32 checksum) on a valid
 * key and on one whose checksum does not match (the worst case for a rejection: every character
 * is read). It is documented not to allocate: expect 0 B/op.
 *
 * <p>Run:
 * <pre>{@code
 * ./mvnw -q -B package -DskipTests -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar KeyFormat -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class KeyFormatBenchmark {

    private String valid;
    private String badChecksum;

    @Setup
    public void setUp() {
        valid = WidgetKeyFormat.mint();
        badChecksum = BenchKeys.withBadChecksum(valid);
        if (!WidgetKeyFormat.isWellFormed(valid)) {
            throw new IllegalStateException("a minted key fails its own check");
        }
    }

    @Benchmark
    public boolean valid() {
        return WidgetKeyFormat.isWellFormed(valid);
    }

    @Benchmark
    public boolean invalidChecksum() {
        return WidgetKeyFormat.isWellFormed(badChecksum);
    }
}
