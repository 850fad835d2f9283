package dev.widgetedge.gateway.report;

import dev.widgetedge.core.report.ReportOutcome;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The requests of one UTC hour for one key, origin and outcome: one counter that every counting
 * thread adds to (the gateway's event loops, the store's threads for answers that waited for a
 * read). Counting one is an atomic add and, at most once per clock tick, an update of the
 * last-seen time: no lock, no allocation.
 *
 * <p><b>Why one shared counter.</b> A tally used to be a chain with a counter per counting thread,
 * each thread's added on its first count. With a million keys in use that first count on another
 * thread came long after the tally was promoted, so it wrote a young object into an old one: a card
 * for the next young collection to scan, for nearly every key, every time a key first met another
 * event loop (tens of thousands a second once warm, spread over the whole old generation). A tally
 * that never changes shape writes no reference after it is made, and is smaller too. The price is
 * an atomic add instead of a plain one: a few nanoseconds, and a cache line that moves between
 * cores only while several event loops count the same key, origin and outcome at once.
 *
 * <p>A tally lives as long as its hour's window: made once per key, origin and outcome in the hour,
 * it is written many times, each flush taking only what was counted since the last write
 * ({@link #unwritten()}, {@link #written()}). Once the {@link TrafficRecorder} has started the next
 * hour's window, or has retired this tally's key to make room for others, {@link #countIfCurrent}
 * refuses, and the caller asks the recorder for the current tally; a count that races that switch
 * still lands here and is written at the next flush (the recorder writes every closed window and
 * retired key twice).
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
    private final long firstSeen;
    /** Every request counted, less those taken back; changed by atomic adds only. */
    private volatile long requests;
    /** The latest time counted; only ever raised, by compare-and-set. */
    private volatile long lastSeen;
    /**
     * Set (under its key's lock) when the recorder retires this tally's key from the hour's window:
     * from then on {@link #countIfCurrent} refuses, so a remembered tally never counts into a key the
     * recorder no longer writes.
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

    /** Counts one request seen at {@code nowMillis}. */
    void count(long nowMillis) {
        REQUESTS.getAndAdd(this, 1L);
        long seen = lastSeen;
        while (nowMillis > seen) {
            long witness = (long) LAST_SEEN.compareAndExchange(this, seen, nowMillis);
            if (witness == seen) {
                return;
            }
            seen = witness;
        }
    }

    /**
     * Takes back one request counted here. The count may go below what is in the store: the
     * difference is what is flushed, and a difference that is not positive is not (the requests
     * counted next cancel it first).
     */
    void uncount() {
        REQUESTS.getAndAdd(this, -1L);
    }

    /**
     * The requests not yet in the store, as of now, with the first time any request of the hour was
     * seen and the last; {@code null} when there are none (nothing counted since the last write, or
     * a difference that is not positive: a request {@linkplain #uncount taken back} after its count
     * was written is taken from the next ones instead). The flusher's: {@link #written()} marks them
     * as stored once the store took them. Allocates nothing when there are none.
     */
    Unwritten unwritten() {
        writing = requests;
        long unwritten = writing - flushed;
        return unwritten > 0 ? new Unwritten(unwritten, firstSeen, lastSeen) : null;
    }

    /** The requests the last {@link #unwritten()} read are in the store. */
    void written() {
        flushed = writing;
    }

    /** Requests of a tally not yet in the store, and when the first and the last of the hour were seen. */
    record Unwritten(long requests, long firstSeen, long lastSeen) {
    }
}
