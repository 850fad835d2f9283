package dev.widgetedge.app;

import dev.widgetedge.server.Durations;

import java.time.Duration;

/** Range checks for option values, failing with a {@link UsageError} that names the option. */
final class Check {

    private Check() {
    }

    static Duration positive(String option, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new UsageError(option, Durations.format(value), "> 0");
        }
        return value;
    }

    static Duration notNegative(String option, Duration value) {
        if (value.isNegative()) {
            throw new UsageError(option, Durations.format(value), ">= 0");
        }
        return value;
    }

    static String present(String option, String value, String expected) {
        if (value == null || value.isBlank()) {
            throw new UsageError(option, "missing", expected + ", or " + EnvironmentDefaults.variableFor(option));
        }
        return value;
    }
}
