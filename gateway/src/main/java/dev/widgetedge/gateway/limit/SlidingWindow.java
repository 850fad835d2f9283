package dev.widgetedge.gateway.limit;

import java.util.Arrays;

/**
 * One subject's requests in the sliding window, as this gateway knows them: per bucket, the total
 * of all gateways as the store last reported it plus what this gateway admitted since, and apart
 * from that what this gateway admitted and has not yet sent to the store ({@code docs/rate-limits.md}).
 *
 * <p>The window is the current bucket and the {@code buckets} before it, so it always covers at
 * least the last full window of time (up to one bucket more): a count leaves only when all of it is
 * older than a window, which never admits more than the limit in any window of that length.
 *
 * <p><b>Admission.</b> Normally ({@link #tryAcquire}) a request is admitted while the window's
 * total stays within the limit and, with other gateways live, while what this gateway has not yet
 * sent stays within its {@linkplain Sharing#cap cap}: the cap bounds what the other gateways
 * cannot know of, which is what bounds the overshoot. While the store is unreachable the gateway
 * enforces its {@linkplain Sharing#peers share} of what the last known total leaves.
 *
 * <p>Thread-safe: every method holds the window's monitor for a few dozen instructions; request
 * threads admit, the sync thread takes and applies.
 */
final class SlidingWindow {

    /** What {@link #tryAcquire} did, and what it asks of the sync. */
    enum Admission {
        ADMITTED(true, false, false),
        /** Admitted; the window wants the next round (near its limit, or three quarters of its cap unsent): queue it. */
        ADMITTED_QUEUE(true, true, false),
        /** Admitted; what is unsent is close to the cap: queue it and run a round now. */
        ADMITTED_URGENT(true, true, true),
        /** Admitted; near the cap, already queued: run a round now. */
        ADMITTED_WAKE(true, false, true),
        /** Refused: the window is full. */
        REFUSED(false, false, false),
        /** Refused: the cap is reached until the next round reports back: queue it and run a round now. */
        REFUSED_URGENT(false, true, true),
        /** Refused for the cap, already queued: run a round now. */
        REFUSED_WAKE(false, false, true);

        private final boolean admitted;
        private final boolean enqueue;
        private final boolean wake;

        Admission(boolean admitted, boolean enqueue, boolean wake) {
            this.admitted = admitted;
            this.enqueue = enqueue;
            this.wake = wake;
        }

        boolean admitted() {
            return admitted;
        }

        /** Whether the window must be put in the sync queue (it was not in it). */
        boolean enqueue() {
            return enqueue;
        }

        /** Whether a round should run now. */
        boolean wake() {
            return wake;
        }

        /** Refused only for the cap: once a round has reported this gateway's counts back, it may fit. */
        boolean capped() {
            return !admitted && wake;
        }

        static Admission of(boolean admitted, boolean enqueue, boolean wake) {
            if (admitted) {
                return enqueue ? (wake ? ADMITTED_URGENT : ADMITTED_QUEUE) : (wake ? ADMITTED_WAKE : ADMITTED);
            }
            return enqueue ? REFUSED_URGENT : (wake ? REFUSED_WAKE : REFUSED);
        }
    }

    /** What a sync round took to send: {@code deltas[i]} admissions in bucket {@code buckets[i]}. */
    record Taken(long[] buckets, int[] deltas, int total) {
    }

    private final Subject subject;
    private final int buckets;
    private final int[] counts;
    private final int[] unpushed;
    /** The bucket the newest slot holds; the slots hold {@code newest - buckets .. newest}. */
    private long newest = Long.MIN_VALUE;
    /**
     * Admitted in the newest bucket and not yet in its slot (of {@code counts}, and of
     * {@code unpushed} for {@code newestUnpushed}): an admission touches the window's fields only,
     * not its arrays, which are further cache lines away under many subjects. {@link #settle}
     * moves them into the slots.
     */
    private int newestCount;
    private int newestUnpushed;
    private int total;
    private int unpushedTotal;
    /** Sent in the round under way, not yet reported back (it may or may not be in the store yet). */
    private int inFlight;
    private boolean queued;
    /** The bucket of the last {@link #firstUseIn}; read and written without the monitor. */
    private long usedBucket = Long.MIN_VALUE;

    SlidingWindow(Subject subject, int buckets) {
        this.subject = subject;
        this.buckets = buckets;
        this.counts = new int[buckets + 1];
        this.unpushed = new int[buckets + 1];
    }

    Subject subject() {
        return subject;
    }

    /**
     * Whether this is the window's first use in {@code bucket}, for the cache to hear of it once
     * per bucket. Unsynchronized: two threads may both see a first use, which only tells the cache
     * twice.
     */
    boolean firstUseIn(long bucket) {
        if (usedBucket == bucket) {
            return false;
        }
        usedBucket = bucket;
        return true;
    }

    /**
     * Admits one request at {@code bucket} under {@code limit} (requests per window), or refuses it.
     *
     * @param sharing how the gateways share the limit now; {@code null} when this gateway is alone
     *                by construction (no store to share through): nothing is ever queued then
     */
    synchronized Admission tryAcquire(int limit, long bucket, Sharing sharing) {
        advance(bucket);
        int unsent = unpushedTotal + inFlight;
        if (sharing != null && sharing.degraded()) {
            // Out of touch: this gateway's share of what the last known total left free.
            long stale = total - unsent;
            long share = Math.max(0, limit - stale) / sharing.peers();
            if (unsent + 1L > share) {
                return Admission.REFUSED;
            }
        } else {
            if (total + 1L > limit) {
                return Admission.REFUSED;
            }
            if (sharing != null && unsent + 1L > Sharing.cap(limit, sharing.peers())) {
                // Until the round under way (or the next) reports back.
                return Admission.of(false, queue(), true);
            }
        }
        newestCount++;
        newestUnpushed++;
        total++;
        unpushedTotal++;
        if (sharing == null) {
            return Admission.ADMITTED;
        }
        long unsentNow = unsent + 1L;
        boolean due = unsentNow >= Sharing.syncThreshold(limit, sharing.peers());
        boolean urgent = unsentNow >= Sharing.urgentThreshold(limit, sharing.peers());
        // Near its limit a subject's view must be fresh: the other gateways' counts decide it.
        boolean hot = 2L * total >= limit;
        return Admission.of(true, (due || urgent || hot) && queue(), urgent);
    }

    /** Puts the window in the sync queue's care: whether it must be added (it was not queued). */
    private boolean queue() {
        if (queued) {
            return false;
        }
        queued = true;
        return true;
    }

    /** Whether one more request at {@code bucket} would be refused for a full window (the cap aside). */
    synchronized boolean full(int limit, long bucket, Sharing sharing) {
        advance(bucket);
        if (sharing != null && sharing.degraded()) {
            int unsent = unpushedTotal + inFlight;
            return unsent + 1L > Math.max(0, limit - (total - unsent)) / sharing.peers();
        }
        return total + 1L > limit;
    }

    /** Takes back the admission just made at {@code bucket} (another limit of the same request refused it). */
    synchronized void release(long bucket) {
        advance(bucket);
        settle();
        int slot = slot(newest);
        if (counts[slot] > 0) {
            counts[slot]--;
            total--;
        }
        if (unpushed[slot] > 0) {
            unpushed[slot]--;
            unpushedTotal--;
        }
    }

    /**
     * How long, from {@code nowMillis}, until a request would fit again: until enough of the oldest
     * counts have left the window. At least one bucket when the window is not full (a refusal for
     * the cap lasts until the next round).
     */
    synchronized long retryAfterMillis(int limit, long nowMillis, long bucketMillis) {
        advance(Math.floorDiv(nowMillis, bucketMillis));
        settle();
        long excess = total + 1L - limit;
        if (excess <= 0) {
            return bucketMillis;
        }
        long leaving = 0;
        for (long b = newest - buckets; b <= newest; b++) {
            leaving += counts[slot(b)];
            if (leaving >= excess) {
                // Bucket b leaves the window when bucket b + buckets + 1 begins.
                return Math.max(1, (b + buckets + 1) * bucketMillis - nowMillis);
            }
        }
        return bucketMillis;
    }

    /**
     * Takes what is unsent for a round at {@code bucket}: it is in flight until {@link #reported}
     * or {@link #unreported}. The window leaves the queue.
     */
    synchronized Taken take(long bucket) {
        advance(bucket);
        settle();
        queued = false;
        int nonzero = 0;
        for (int value : unpushed) {
            if (value != 0) {
                nonzero++;
            }
        }
        long[] takenBuckets = new long[nonzero];
        int[] deltas = new int[nonzero];
        int i = 0;
        for (long b = newest - buckets; b <= newest; b++) {
            int slot = slot(b);
            if (unpushed[slot] != 0) {
                takenBuckets[i] = b;
                deltas[i] = unpushed[slot];
                i++;
                unpushed[slot] = 0;
            }
        }
        Taken taken = new Taken(takenBuckets, deltas, unpushedTotal);
        inFlight += unpushedTotal;
        unpushedTotal = 0;
        return taken;
    }

    /**
     * The store reported back a round that sent {@code taken}: {@code totals} are the totals of all
     * gateways for buckets {@code readBucket - buckets .. readBucket}, {@code taken} included. What was
     * admitted since {@link #take} is added on top.
     */
    synchronized void reported(Taken taken, long readBucket, int[] totals) {
        advance(readBucket);
        settle();
        inFlight -= taken.total();
        long readOldest = readBucket - buckets;
        int sum = 0;
        for (long b = newest - buckets; b <= newest; b++) {
            int slot = slot(b);
            if (b >= readOldest && b <= readBucket) {
                counts[slot] = totals[(int) (b - readOldest)] + unpushed[slot];
            }
            sum += counts[slot];
        }
        total = sum;
    }

    /** The round that sent {@code taken} failed: what it took is unsent again (where still in the window). */
    synchronized void unreported(Taken taken) {
        settle();
        inFlight -= taken.total();
        for (int i = 0; i < taken.buckets().length; i++) {
            long b = taken.buckets()[i];
            if (b >= newest - buckets && b <= newest) {
                unpushed[slot(b)] += taken.deltas()[i];
                unpushedTotal += taken.deltas()[i];
            }
        }
    }

    /** The requests in the window as this gateway knows them, for tests. */
    synchronized int total(long bucket) {
        advance(bucket);
        return total;
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) counts.length);
    }

    /** Moves what was admitted in the newest bucket into its slots. */
    private void settle() {
        if (newestCount != 0 || newestUnpushed != 0) {
            int slot = slot(newest);
            counts[slot] += newestCount;
            unpushed[slot] += newestUnpushed;
            newestCount = 0;
            newestUnpushed = 0;
        }
    }

    /**
     * Moves the window so that it ends at {@code bucket}: older buckets leave it. A bucket before
     * the newest (the clock estimate stepped back) counts in the newest.
     */
    private void advance(long bucket) {
        if (bucket <= newest) {
            return;
        }
        settle();
        if (newest == Long.MIN_VALUE || bucket - newest > buckets) {
            Arrays.fill(counts, 0);
            Arrays.fill(unpushed, 0);
            total = 0;
            unpushedTotal = 0;
        } else {
            for (long b = newest + 1; b <= bucket; b++) {
                int slot = slot(b);
                total -= counts[slot];
                unpushedTotal -= unpushed[slot];
                counts[slot] = 0;
                unpushed[slot] = 0;
            }
        }
        newest = bucket;
    }
}
