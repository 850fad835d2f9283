package dev.widgetedge.benchmarks;

import dev.widgetedge.core.origin.Allowlist;
import dev.widgetedge.core.origin.InvalidOriginException;
import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.origin.OriginPattern;
import java.util.ArrayList;
import java.util.List;
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
 * Origin matching as the decide path does it: {@link Origin#parseHeaderOrNull} on the
 * {@code Origin} header, then {@link Allowlist#allows}. Variants: an exact match and a wildcard
 * match on a 3-entry allowlist, a 100-entry allowlist matched by its last entry (exact; a
 * wildcard), an origin that matches nothing, and the parse alone (to split the cost).
 *
 * <p>Run:
 * <pre>{@code
 * ./mvnw -q -B package -DskipTests -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar OriginMatch -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class OriginMatchBenchmark {

    private Allowlist small;
    private Allowlist exact100;
    private Allowlist wildcardLast100;

    // Not final, not static: JMH must not see constants it could fold.
    private String exactOrigin = "https://acme.com";
    private String wildcardOrigin = "https://shop.acme.com";
    private String lastEntryOrigin = "https://site099.example";
    private String foreignOrigin = "https://evil.example";

    @Setup
    public void setUp() throws InvalidOriginException {
        small = compile(BenchKeys.SMALL_ALLOWLIST);
        exact100 = compile(BenchKeys.exactAllowlist100());
        wildcardLast100 = compile(BenchKeys.wildcardLastAllowlist100());
        check(exact(), true);
        check(wildcard(), true);
        check(allowlist100_lastExact(), true);
        check(allowlist100_lastWildcard(), true);
        check(notAllowed(), false);
    }

    private static Allowlist compile(List<String> entries) throws InvalidOriginException {
        List<OriginPattern> patterns = new ArrayList<>(entries.size());
        for (String entry : entries) {
            patterns.add(OriginPattern.parse(entry));
        }
        return Allowlist.of(patterns);
    }

    private static void check(boolean actual, boolean expected) {
        if (actual != expected) {
            throw new IllegalStateException("unexpected match result " + actual);
        }
    }

    @Benchmark
    public Origin parseOnly() {
        return Origin.parseHeaderOrNull(exactOrigin);
    }

    @Benchmark
    public boolean exact() {
        return small.allows(Origin.parseHeaderOrNull(exactOrigin));
    }

    @Benchmark
    public boolean wildcard() {
        return small.allows(Origin.parseHeaderOrNull(wildcardOrigin));
    }

    @Benchmark
    public boolean allowlist100_lastExact() {
        return exact100.allows(Origin.parseHeaderOrNull(lastEntryOrigin));
    }

    @Benchmark
    public boolean allowlist100_lastWildcard() {
        return wildcardLast100.allows(Origin.parseHeaderOrNull(wildcardOrigin));
    }

    @Benchmark
    public boolean notAllowed() {
        return small.allows(Origin.parseHeaderOrNull(foreignOrigin));
    }
}
