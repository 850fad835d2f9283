package dev.widgetedge.gateway;

import dev.widgetedge.server.Durations;
import java.time.Duration;

/**
 * The checks the settings records share. Each failure is an {@link IllegalArgumentException}
 * whose message names the option and what it expects, as the command line prints it.
 */
final class SettingsChecks {

    private SettingsChecks() {
    }

    static void positive(String option, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + ": " + describe(value) + " (expected: > 0)");
        }
    }

    static void notNegative(String option, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(option + ": " + describe(value) + " (expected: >= 0)");
        }
    }

    static void atLeast(String option, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: >= " + minimum + ")");
        }
    }

    private static String describe(Duration value) {
        return value == null ? "missing" : Durations.format(value);
    }
}
