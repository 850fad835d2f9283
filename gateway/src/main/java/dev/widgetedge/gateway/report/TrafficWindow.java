package dev.widgetedge.gateway.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tallies of one flush window, by key. A window never spans two UTC hours (the recorder cuts
 * windows at every hour), so all its counts belong to {@link #hour}.
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
}
