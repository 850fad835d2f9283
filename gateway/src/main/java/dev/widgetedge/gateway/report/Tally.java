package dev.widgetedge.gateway.report;

import dev.widgetedge.core.report.ReportOutcome;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The requests of one UTC hour for one key, origin and outcome, as one chain of counters:
 * one per thread that counts (the gateway's event loops, the store's threads for answers that
 * waited for a read), each written by its own thread alone. Counting one is a plain increment of
 * the counting thread's own counter and, at most once per clock tick, a write of its last-seen
 * time: no lock, no atomic instruction, no allocation. Only a thread's first count in a chain adds
 * its counter (under the chain's lock); the chain is as long as the number of threads that decide.
 *
 * <p>A tally lives as long as its hour's window: made once per key, origin and outcome (and thread)
 * in the hour, it is written many times, each flush taking only what was counted since the last
 * write ({@link #unwritten()}, {@link #written()}), so it is promoted once instead of being made
 * again every flush. Once the {@link TrafficRecorder} has started the next hour's window, or has
 * retired this tally's key to make room for others, {@link #countIfCurrent} refuses, and the caller
 * asks the recorder for the current tally; a count that races that switch still lands here and is
 * written at the next flush (the recorder writes every closed window and retired key twice).
 */
public final class Tally {

    private static final VarHandle REQUESTS;
    private static final VarHandle LAST_SEEN;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            REQUESTS = lookup.findVarHandle(Tally.class, "requests", long.class);
            LAST_SEEN = lookup.findVarHandle(Tally.class, "lastSeen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String label;
    final ReportOutcome outcome;
    /**
     * The window's number and the recorder, not the window itself: a cached key may remember a
     * tally long after its window is gone, and must not keep the window's other keys alive.
     */
    private final long generation;
    private final TrafficRecorder recorder;
    /** The only thread that writes {@link #requests} and {@link #lastSeen}. */
    private final Thread owner;
    private final long firstSeen;
    /** Written by {@link #owner} alone (opaque: the flusher reads it whole, if late). */
    private long requests;
    private long lastSeen;
    /** The next thread's counter of the same key, origin and outcome; appended under the head's lock. */
    private volatile Tally next;
    /**
     * Set (under its key's lock) when the recorder retires this tally's key from the hour's window:
     * from then on {@link #countIfCurrent} refuses, so a remembered tally never counts into a key the
     * recorder no longer writes. Read on the head of the chain only, the tally callers hold.
     */
    private volatile boolean retired;
    /** How many of {@link #requests} are in the store, and the count the current write takes; the flusher's alone. */
    private long flushed;
    private long writing;

    Tally(TrafficRecorder recorder, long generation, String label, ReportOutcome outcome, long firstSeen) {
        this.recorder = recorder;
        this.generation = generation;
        this.label = label;
        this.outcome = outcome;
        this.owner = Thread.currentThread();
        this.firstSeen = firstSeen;
        this.lastSeen = firstSeen;
    }

    /**
     * Counts one request at {@code nowMillis} if this tally's window is still the current one and
     * its key still in it.
     *
     * @return {@code false} when the hour has passed or the key was retired: count with
     *         {@link TrafficRecorder} instead
     */
    public boolean countIfCurrent(long nowMillis) {
        if (retired || generation != recorder.generation()) {
            return false;
        }
        count(nowMillis);
        return true;
    }

    /** Makes {@link #countIfCurrent} refuse from now on; its key's, under the key's lock. */
    void retire() {
        retired = true;
    }

    /** Counts one request of the calling thread, in its own counter of this chain. */
    void count(long nowMillis) {
        Thread me = Thread.currentThread();
        for (Tally counter = this; counter != null; counter = counter.next) {
            if (counter.owner == me) {
                counter.add(nowMillis);
                return;
            }
        }
        counterOf(me, nowMillis).add(nowMillis);
    }

    /**
     * Takes back one request counted in this chain (on the calling thread's own counter, which may
     * go below zero: the chain's sum is what is flushed, and a sum that is not positive is not).
     */
    void uncount(long nowMillis) {
        Thread me = Thread.currentThread();
        for (Tally counter = this; counter != null; counter = counter.next) {
            if (counter.owner == me) {
                REQUESTS.setOpaque(counter, counter.requests - 1);
                return;
            }
        }
        Tally counter = counterOf(me, nowMillis);
        REQUESTS.setOpaque(counter, counter.requests - 1);
    }

    private void add(long nowMillis) {
        REQUESTS.setOpaque(this, requests + 1);
        if (nowMillis > lastSeen) {
            LAST_SEEN.setOpaque(this, nowMillis);
        }
    }

    /** The counter of {@code thread} in this chain, appended if it has none; this is the chain's head. */
    private synchronized Tally counterOf(Thread thread, long nowMillis) {
        Tally last = this;
        for (Tally counter = this; counter != null; counter = counter.next) {
            if (counter.owner == thread) {
                return counter;
            }
            last = counter;
        }
        Tally added = new Tally(recorder, generation, label, outcome, nowMillis);
        last.next = added;
        return added;
    }

    /**
     * The chain's requests not yet in the store, as of now, with the first time any request of the
     * hour was seen and the last; {@code null} when there are none (nothing counted since the last
     * write, or a sum that is not positive: a request {@linkplain #uncount taken back} after its count
     * was written is taken from the next ones instead). The flusher's: {@link #written()} marks them
     * as stored once the store took them. Allocates nothing when there are none.
     */
    Unwritten unwritten() {
        long total = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Tally counter = this; counter != null; counter = counter.next) {
            counter.writing = (long) REQUESTS.getOpaque(counter);
            total += counter.writing - counter.flushed;
            first = Math.min(first, counter.firstSeen);
            last = Math.max(last, (long) LAST_SEEN.getOpaque(counter));
        }
        return total > 0 ? new Unwritten(total, first, last) : null;
    }

    /** The requests the last {@link #unwritten()} read are in the store. */
    void written() {
        for (Tally counter = this; counter != null; counter = counter.next) {
            counter.flushed = counter.writing;
        }
    }

    /** Requests of a chain not yet in the store, and when the first and the last of the chain were seen. */
    record Unwritten(long requests, long firstSeen, long lastSeen) {
    }
}
