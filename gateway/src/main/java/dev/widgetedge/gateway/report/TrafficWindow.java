package dev.widgetedge.gateway.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tallies of one UTC hour, by key: the hour's window while it is current (it lives the whole hour),
 * or, once closed, a past hour's keys or the keys retired from the current hour's window, kept
 * until written for good. All its counts belong to {@link #hour}.
 */
final class TrafficWindow {

    final long generation;
    final Instant hour;
    final ConcurrentHashMap<UUID, KeyTraffic> keys = new ConcurrentHashMap<>();
    /** How often the flusher has written this window since it closed; the flusher's alone. */
    int passes;

    TrafficWindow(long generation, long startMillis) {
        this.generation = generation;
        this.hour = Instant.ofEpochMilli(startMillis).truncatedTo(ChronoUnit.HOURS);
    }

    /** Whether {@code nowMillis} falls in this window's hour. */
    boolean covers(long nowMillis) {
        return Instant.ofEpochMilli(nowMillis).truncatedTo(ChronoUnit.HOURS).equals(hour);
    }
}
