package dev.widgetedge.gateway.limit;

import java.util.function.LongSupplier;

/**
 * How this gateway shares its limits with the others right now: how many gateways are live (as
 * the store last counted them) and whether the store has been out of reach for too long to
 * trust the last totals ({@code degraded}). Written by the sync thread, read on every admission.
 *
 * <p>The two rules that bound what all gateways admit together ({@code docs/rate-limits.md}):
 * <ul>
 *   <li>{@link #cap}: with {@code k} gateways live, each one admits at most
 *       {@code max(1, ⌊0.1 × limit / (k − 1)⌋)} requests of a subject that the store has not
 *       reported back yet. The others cannot know of those, and that is all they cannot know
 *       of, so all gateways together admit at most {@code limit + (k − 1) × cap ≤ 1.1 × limit}
 *       (for {@code limit ≥ 10 (k − 1)}; at most {@code k − 1} requests over for smaller ones).</li>
 *   <li>{@link #syncThreshold}: a subject is sent with the next round once three quarters of
 *       its cap are unsent, and {@link #urgentThreshold}: a round runs at once when seven eighths
 *       are, so the cap is only reached by more than a quarter of a cap of requests within one
 *       sync interval, or more than an eighth within one round trip to the store.</li>
 * </ul>
 *
 * <p>Rounds run early only for a subject near its cap: a subject far from its limit waits for
 * the next regular round, and a subject is sent once per three quarters of a cap (at the
 * defaults, every 45 requests): the sends are most of what limits cost a gateway whose limits
 * are never hit. Waking the sync for every subject that crossed half its cap ran a
 * round for every few subjects (hundreds a second under many clients), each with its own store
 * round trip and thread hand-offs, for requests that were nowhere near a limit.
 *
 * <p>Thread-safe.
 */
final class Sharing {

    /** The part of a limit that all gateways together may admit over it, at most. */
    static final double OVERSHOOT = 0.1;

    private final long staleAfterNanos;
    private final LongSupplier nanoTime;
    private volatile int peers = 1;
    private volatile long lastReportNanos;

    /**
     * @param staleAfterNanos how long without a round reported back before the gateway falls
     *                        back to its local share; from its creation for a gateway that never
     *                        reached the store
     * @param nanoTime        the monotonic clock ({@link System#nanoTime} but in tests)
     */
    Sharing(long staleAfterNanos, LongSupplier nanoTime) {
        this.staleAfterNanos = staleAfterNanos;
        this.nanoTime = nanoTime;
        this.lastReportNanos = nanoTime.getAsLong();
    }

    /** Gateways live as last counted, this one included; at least 1. */
    int peers() {
        return peers;
    }

    /** Whether the store has not reported back for too long: each gateway then enforces its share. */
    boolean degraded() {
        return nanoTime.getAsLong() - lastReportNanos > staleAfterNanos;
    }

    /** A round reported back now, counting {@code liveGateways}. */
    void reported(int liveGateways) {
        peers = Math.max(1, liveGateways);
        lastReportNanos = nanoTime.getAsLong();
    }

    /**
     * The most requests of one subject that one gateway admits unreported, under {@code limit}
     * with {@code peers} gateways live; unbounded when it is alone.
     */
    static long cap(int limit, int peers) {
        if (peers <= 1) {
            return Long.MAX_VALUE;
        }
        return Math.max(1, (long) (OVERSHOOT * limit / (peers - 1)));
    }

    /**
     * How many unsent requests queue a subject for the next round: three quarters of the cap. A gateway alone
     * uses the cap it would have beside one other, so that a gateway that joins learns of its
     * counts.
     */
    static long syncThreshold(int limit, int peers) {
        long cap = Math.max(1, (long) (OVERSHOOT * limit / Math.max(1, peers - 1)));
        return Math.max(1, 3 * cap / 4);
    }

    /**
     * How many unsent requests make a round run now rather than at the next tick: seven eighths
     * of the cap (rounded up), so that the round has reported back before the cap is reached by
     * any subject with fewer than an eighth of a cap of requests per round trip. Never for a gateway
     * alone: it has nobody to tell sooner.
     */
    static long urgentThreshold(int limit, int peers) {
        long cap = cap(limit, peers);
        return cap == Long.MAX_VALUE ? Long.MAX_VALUE : (7 * cap + 7) / 8;
    }
}
