package dev.widgetedge.core.testing;

import java.util.Random;
import java.util.function.Function;

/**
 * Property checks over generated inputs: a fixed number of inputs drawn from a {@link Random} with
 * a fixed seed, so every run checks the same inputs and a failure names the seed, the case and
 * the input (escaped, so it can be pasted into a test).
 */
public final class Generated {

    private Generated() {
    }

    /** A property of one input; it may throw anything, assertion errors included. */
    @FunctionalInterface
    public interface Check<T> {
        void check(T input) throws Exception;
    }

    /** Checks {@code property} on {@code cases} inputs from {@code generator}. */
    public static <T> void forAll(long seed, int cases, Function<Random, T> generator, Check<T> property) {
        Random random = new Random(seed);
        for (int i = 0; i < cases; i++) {
            T input = generator.apply(random);
            try {
                property.check(input);
            } catch (Exception | AssertionError failure) {
                throw new AssertionError(
                        "seed " + seed + ", case " + i + ", input " + printable(input) + ": " + failure, failure);
            }
        }
    }

    /** {@code input} as text with every character outside printable ASCII escaped. */
    public static String printable(Object input) {
        String text = input instanceof String ? "\"" + input + "\"" : String.valueOf(input);
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '\\') {
                out.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
