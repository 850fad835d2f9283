package dev.widgetedge.gateway.report;

import dev.widgetedge.core.report.OriginLabels;
import dev.widgetedge.core.report.ReportLimits;
import dev.widgetedge.core.report.ReportOutcome;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * One key's tallies in one UTC hour: an open-addressing table by (origin label, outcome), read
 * without a lock (the table is an immutable-once-published array, replaced whole on growth) and
 * written under this object's lock, which only a request with a new origin or outcome for the hour
 * takes. At most {@link ReportLimits#MAX_ORIGINS_PER_HOUR} distinct origins get a tally of
 * their own; the rest are counted as {@link OriginLabels#OTHER}, so a key's table stays small
 * whatever origins hostile traffic sends, and once it is full a new origin finds the
 * {@code (other)} tally without the lock too.
 *
 * <p>The recorder may {@linkplain #retire() retire} a key whose counts are all written, to make room
 * in a full window; its tallies, and any added to it later by a request that raced the retirement,
 * then refuse {@link Tally#countIfCurrent}.
 */
final class KeyTraffic {

    private static final int INITIAL_SLOTS = 4;

    final UUID keyId;
    private final TrafficRecorder recorder;
    private final long generation;
    private volatile Tally[] slots = new Tally[INITIAL_SLOTS];
    private int size;
    /** The distinct origins with tallies of their own; written under the lock, never again once full. */
    private final Set<String> origins = new HashSet<>();
    /** Set (under the lock) once {@link #origins} is full: from then on it is read without the lock. */
    private volatile boolean full;
    /** Set under the lock by {@link #retire()}; every tally made after it is born retired. */
    private boolean retired;

    KeyTraffic(UUID keyId, TrafficRecorder recorder, long generation) {
        this.keyId = keyId;
        this.recorder = recorder;
        this.generation = generation;
    }

    /** The tally of {@code label} and {@code outcome}, or {@code null} when there is none yet. */
    Tally find(String label, ReportOutcome outcome) {
        Tally[] table = slots;
        int mask = table.length - 1;
        for (int i = slot(label, outcome) & mask; ; i = (i + 1) & mask) {
            Tally tally = table[i];
            if (tally == null) {
                return null;
            }
            if (tally.outcome == outcome && tally.label.equals(label)) {
                return tally;
            }
        }
    }

    /**
     * The tally of {@code label} and {@code outcome}, made (at {@code nowMillis}) if there is
     * none; the {@code (other)} tally of the outcome once the key has its fill of distinct origins.
     */
    Tally findOrAdd(String label, ReportOutcome outcome, long nowMillis) {
        Tally found = find(label, outcome);
        if (found == null && full && !OriginLabels.isFixed(label) && !origins.contains(label)) {
            // Past the cap (a flood of distinct origins, say): the (other) tally, without the lock.
            found = find(OriginLabels.OTHER, outcome);
        }
        return found != null ? found : add(label, outcome, nowMillis);
    }

    private synchronized Tally add(String label, ReportOutcome outcome, long nowMillis) {
        String kept = label;
        if (!OriginLabels.isFixed(label) && !origins.contains(label)) {
            if (origins.size() >= ReportLimits.MAX_ORIGINS_PER_HOUR) {
                kept = OriginLabels.OTHER;
            } else {
                origins.add(label);
                full = origins.size() >= ReportLimits.MAX_ORIGINS_PER_HOUR;
            }
        }
        Tally found = find(kept, outcome);
        if (found != null) {
            return found;
        }
        Tally tally = new Tally(recorder, generation, kept, outcome, nowMillis);
        if (retired) {
            tally.retire();
        }
        Tally[] table = slots;
        if ((size + 1) * 2 > table.length) {
            table = grown(table);
        } else {
            table = table.clone();
        }
        insert(table, tally);
        size++;
        slots = table;
        return tally;
    }

    /**
     * The table of tallies, for the flusher to walk without copying it (it is never written once
     * published); its empty slots are {@code null}.
     */
    Tally[] table() {
        return slots;
    }

    /** Takes this key out of counting: every tally of it, now and later, refuses {@link Tally#countIfCurrent}. */
    synchronized void retire() {
        retired = true;
        for (Tally tally : slots) {
            if (tally != null) {
                tally.retire();
            }
        }
    }

    private static Tally[] grown(Tally[] table) {
        Tally[] bigger = new Tally[table.length * 2];
        for (Tally tally : table) {
            if (tally != null) {
                insert(bigger, tally);
            }
        }
        return bigger;
    }

    private static void insert(Tally[] table, Tally tally) {
        int mask = table.length - 1;
        int i = slot(tally.label, tally.outcome) & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = tally;
    }

    private static int slot(String label, ReportOutcome outcome) {
        int hash = label.hashCode() * 31 + outcome.ordinal();
        return hash ^ (hash >>> 16);
    }
}
