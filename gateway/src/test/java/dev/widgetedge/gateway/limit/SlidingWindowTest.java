package dev.widgetedge.gateway.limit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {

    private static final int BUCKETS = 30;
    private static final long BUCKET_MILLIS = 2000;

    private final AtomicLong nanos = new AtomicLong();
    private final SlidingWindow window = new SlidingWindow(Subject.key(UUID.randomUUID()), BUCKETS);

    private Sharing sharing(int peers) {
        Sharing sharing = new Sharing(TimeUnit.SECONDS.toNanos(1), nanos::get);
        sharing.reported(peers);
        return sharing;
    }

    private int admitAll(int limit, long bucket, Sharing sharing) {
        int admitted = 0;
        while (window.tryAcquire(limit, bucket, sharing).admitted()) {
            admitted++;
        }
        return admitted;
    }

    @Test
    void firstUseIn_isTrueOncePerBucket() {
        assertTrue(window.firstUseIn(7));
        assertFalse(window.firstUseIn(7));
        assertTrue(window.firstUseIn(8));
        assertFalse(window.firstUseIn(8));
    }

    @Test
    void admissionsOfTheNewestBucket_areTakenReleasedAndLeaveTheWindowAsTheirBucket() {
        assertEquals(SlidingWindow.Admission.ADMITTED, window.tryAcquire(10, 3, null));
        assertEquals(SlidingWindow.Admission.ADMITTED, window.tryAcquire(10, 3, null));
        SlidingWindow.Taken taken = window.take(3);
        assertArrayEquals(new long[] {3}, taken.buckets());
        assertArrayEquals(new int[] {2}, taken.deltas());
        window.tryAcquire(10, 3, null);
        window.release(3);
        assertEquals(2, window.total(3), "the release took back the admission after the take");
        window.tryAcquire(10, 4, null);
        assertEquals(3, window.total(4));
        assertEquals(1, window.total(3 + BUCKETS + 1), "bucket 3 left the window, bucket 4 is still in it");
        assertEquals(0, window.total(4 + BUCKETS + 1));
    }

    @Test
    void alone_admitsTheLimitInAWindow_thenRefuses() {
        assertEquals(10, admitAll(10, 0, null));
        assertEquals(SlidingWindow.Admission.REFUSED, window.tryAcquire(10, 5, null));
    }

    @Test
    void countsLeave_onlyOnceAWholeWindowOlder() {
        assertEquals(10, admitAll(10, 0, null));
        // Bucket 0 is still inside the window that ends at bucket 30: counted a window and a bit, never less.
        assertFalse(window.tryAcquire(10, BUCKETS, null).admitted());
        assertTrue(window.tryAcquire(10, BUCKETS + 1, null).admitted());
    }

    @Test
    void slidingWindow_freesTheOldestBucketsFirst() {
        assertEquals(4, admitAll(4, 0, null));
        assertEquals(6, admitAll(10, 10, null));
        assertEquals(0, admitAll(10, BUCKETS, null));
        assertEquals(4, admitAll(10, BUCKETS + 1, null), "bucket 0's four left, bucket 10's six stay");
    }

    @Test
    void retryAfter_isWhenEnoughOfTheOldestCountsLeave() {
        admitAll(3, 0, null);
        // Bucket 0 leaves when bucket 31 begins, at 62 s.
        assertEquals(62_000 - 1_000, window.retryAfterMillis(3, 1_000, BUCKET_MILLIS));
        SlidingWindow later = new SlidingWindow(Subject.key(UUID.randomUUID()), BUCKETS);
        later.tryAcquire(2, 0, null);
        later.tryAcquire(2, 5, null);
        assertEquals((31 * BUCKET_MILLIS) - 11_000, later.retryAfterMillis(2, 11_000, BUCKET_MILLIS),
                "one request must leave: the oldest, in bucket 0");
    }

    @Test
    void takeAndReport_replaceTheKnownTotalsWithTheStores_keepingWhatCameSince() {
        assertEquals(3, admitAll(3, 4, null));
        SlidingWindow.Taken taken = window.take(4);
        assertArrayEquals(new long[] {4}, taken.buckets());
        assertArrayEquals(new int[] {3}, taken.deltas());
        assertTrue(window.tryAcquire(100, 5, null).admitted(), "admitted while the round is under way");
        int[] totals = new int[BUCKETS + 1];
        totals[BUCKETS - 1] = 3 + 40;
        window.reported(taken, 5, totals);
        assertEquals(43 + 1, window.total(5));
        SlidingWindow.Taken next = window.take(5);
        assertArrayEquals(new long[] {5}, next.buckets(), "what came since is sent next");
        assertArrayEquals(new int[] {1}, next.deltas());
    }

    @Test
    void failedRound_makesWhatItTookUnsentAgain() {
        admitAll(2, 7, null);
        SlidingWindow.Taken taken = window.take(7);
        window.unreported(taken);
        SlidingWindow.Taken again = window.take(8);
        assertArrayEquals(new long[] {7}, again.buckets());
        assertArrayEquals(new int[] {2}, again.deltas());
        assertEquals(2, again.total());
    }

    @Test
    void withOtherGateways_unsentRequestsAreCapped_untilARoundReportsBack() {
        Sharing two = sharing(2);
        // A tenth of 100 may be unknown to the other gateway.
        int admitted = 0;
        SlidingWindow.Admission last;
        while ((last = window.tryAcquire(100, 0, two)).admitted()) {
            admitted++;
        }
        assertEquals(10, admitted);
        assertEquals(SlidingWindow.Admission.REFUSED_WAKE, last, "queued already at three quarters of the cap; wakes the sync");
        SlidingWindow.Taken taken = window.take(0);
        assertEquals(SlidingWindow.Admission.REFUSED_URGENT, window.tryAcquire(100, 0, two),
                "in flight still counts (the store may not have it yet), and the window queues for the next round");
        int[] totals = new int[BUCKETS + 1];
        totals[BUCKETS] = 10;
        window.reported(taken, 0, totals);
        assertTrue(window.tryAcquire(100, 0, two).admitted());
    }

    @Test
    void threeQuartersOfTheCapUnsent_queueForTheNextRound_sevenEighthsAskForARoundNow() {
        Sharing two = sharing(2);
        // A cap of 10: queued at 7 unsent, a round now from 9 on.
        for (int i = 0; i < 6; i++) {
            assertEquals(SlidingWindow.Admission.ADMITTED, window.tryAcquire(100, 0, two));
        }
        assertEquals(SlidingWindow.Admission.ADMITTED_QUEUE, window.tryAcquire(100, 0, two));
        assertEquals(SlidingWindow.Admission.ADMITTED, window.tryAcquire(100, 0, two), "queued already");
        assertEquals(SlidingWindow.Admission.ADMITTED_WAKE, window.tryAcquire(100, 0, two));
    }

    @Test
    void aCapOfOne_theFirstUnsentRequestQueuesAndAsksForARoundNow() {
        Sharing nine = sharing(9);
        // 20 / 8 gateways: a cap of max(1, 0.25) = 1, and the first unsent request fills it.
        assertEquals(SlidingWindow.Admission.ADMITTED_URGENT, window.tryAcquire(20, 0, nine));
    }

    @Test
    void aloneFarFromItsLimit_neverAsksForARoundNow() {
        Sharing alone = sharing(1);
        SlidingWindow.Admission last = null;
        for (int i = 0; i < 40; i++) {
            last = window.tryAcquire(100, 0, alone);
            assertFalse(last.wake(), "admission " + i);
        }
        assertTrue(last.admitted());
        assertEquals(40, window.total(0));
    }

    @Test
    void nearItsLimit_aSubjectIsQueuedForEveryRound() {
        Sharing alone = sharing(1);
        int[] totals = new int[BUCKETS + 1];
        totals[BUCKETS] = 60;
        window.reported(window.take(0), 0, totals);
        assertEquals(SlidingWindow.Admission.ADMITTED_QUEUE, window.tryAcquire(100, 0, alone));
        assertEquals(SlidingWindow.Admission.ADMITTED, window.tryAcquire(100, 0, alone), "queued already");
    }

    @Test
    void degraded_eachGatewayEnforcesItsShareOfWhatTheLastTotalLeft() {
        Sharing two = sharing(2);
        int[] totals = new int[BUCKETS + 1];
        totals[BUCKETS] = 60;
        window.reported(window.take(0), 0, totals);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertTrue(two.degraded());
        assertEquals(20, admitAll(100, 1, two), "half of the 40 the store's total left");
        assertEquals(0, admitAll(100, 29, two));
        // Once the stale total has left the window, the share is half the limit.
        assertEquals(50 - 20, admitAll(100, 31, two));
        assertEquals(50, admitAll(100, 62, two));
    }

    @Test
    void degradedAlone_enforcesTheWholeLimitLocally() {
        Sharing alone = sharing(1);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertEquals(100, admitAll(100, 0, alone));
    }

    @Test
    void full_answersWithoutCounting() {
        admitAll(2, 0, null);
        assertTrue(window.full(2, 0, null));
        assertFalse(window.full(3, 0, null));
        assertEquals(2, window.total(0));
    }
}
