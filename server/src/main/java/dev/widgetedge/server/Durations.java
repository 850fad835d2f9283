package dev.widgetedge.server;

import java.time.Duration;

/** Durations as operators write them, for messages and logs: {@code 2s}, {@code 250ms}, {@code 5m}, {@code 90d}. */
public final class Durations {

    private Durations() {
    }

    /** The shortest exact form among days, hours, minutes, seconds and milliseconds. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
