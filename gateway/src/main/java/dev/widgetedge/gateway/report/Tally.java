package dev.widgetedge.gateway.report;

import dev.widgetedge.core.report.ReportOutcome;
import java.util.concurrent.atomic.LongAdder;

/**
 * The requests of one flush window for one key, origin and outcome. Counting one is a
 * {@link LongAdder} increment (which spreads over cells when several event loops count the same
 * tally) and, at most once per clock tick, a write of the last-seen time: no lock, no allocation.
 *
 * <p>A tally belongs to the window it was made in. Once the {@link TrafficRecorder} has started
 * the next window, {@link #countIfCurrent} refuses, and the caller asks the recorder for the new
 * window's tally; a count that races that switch still lands here and is flushed with the next
 * window's (the recorder reads every closed window twice).
 */
public final class Tally {

    final String label;
    final ReportOutcome outcome;
    final long firstSeen;
    final LongAdder requests = new LongAdder();
    volatile long lastSeen;
    /** How many of {@link #requests} are in the store; the flusher's alone. */
    long flushed;
    /**
     * The window's number and the recorder, not the window itself: a cached key may remember a
     * tally long after its window is gone, and must not keep the window's other keys alive.
     */
    private final long generation;
    private final TrafficRecorder recorder;

    Tally(TrafficRecorder recorder, long generation, String label, ReportOutcome outcome, long firstSeen) {
        this.recorder = recorder;
        this.generation = generation;
        this.label = label;
        this.outcome = outcome;
        this.firstSeen = firstSeen;
        this.lastSeen = firstSeen;
    }

    /**
     * Counts one request at {@code nowMillis} if this tally's window is still the current one.
     *
     * @return {@code false} when the window has passed: count with {@link TrafficRecorder} instead
     */
    public boolean countIfCurrent(long nowMillis) {
        if (generation != recorder.generation()) {
            return false;
        }
        count(nowMillis);
        return true;
    }

    void count(long nowMillis) {
        requests.increment();
        if (nowMillis > lastSeen) {
            lastSeen = nowMillis;
        }
    }
}
