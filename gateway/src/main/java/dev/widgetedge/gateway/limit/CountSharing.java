package dev.widgetedge.gateway.limit;

import dev.widgetedge.core.store.RateCountStore;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares this gateway's counts with the others, on a thread of its own: every sync interval (and
 * at once when a window asks, {@link #wake}) one round sends the queued windows' unsent counts to
 * the {@link RateCountStore} and puts back what all gateways counted, records this gateway as live
 * and learns how many are, and how far the store's clock is from this one's. Rounds never overlap;
 * a round is bounded by the store timeout. A window is queued by the admission that needs it
 * ({@link SlidingWindow.Admission}), never by a scan, so rounds cost nothing for idle subjects.
 */
final class CountSharing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CountSharing.class);
    /** The most subjects one round sends; more wait for the next round, which follows at once. */
    static final int MAX_SUBJECTS_PER_ROUND = 4096;
    /** A gateway counts as live this long after its last round (at least). */
    private static final Duration MIN_LIVE = Duration.ofSeconds(2);
    /** Rounds missed before the gateway stops trusting the last totals (at least one second). */
    private static final int ROUNDS_BEFORE_DEGRADED = 4;
    /** What a round may take beyond the store timeout before it is given up. */
    private static final Duration ROUND_SLACK = Duration.ofMillis(500);

    private final RateCountStore store;
    private final long bucketMillis;
    private final int buckets;
    private final long intervalNanos;
    private final long liveMillis;
    private final Duration timeout;
    private final LongSupplier wallMillis;
    private final LongSupplier nanoTime;
    private final Sharing sharing;
    private final GatewayMetrics metrics;
    private final String gatewayId = UUID.randomUUID().toString();
    private final Queue<SlidingWindow> due = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    /** Completed when the round that starts next has ended, whatever its result; replaced as each round starts. */
    private final AtomicReference<CompletableFuture<Void>> nextRound = new AtomicReference<>(new CompletableFuture<>());
    private volatile long offsetMillis;
    private volatile boolean urgent;
    private volatile boolean closed;
    private boolean failing;

    /**
     * @param timeout    the bound on one round (the store timeout)
     * @param wallMillis the local wall clock ({@link System#currentTimeMillis} but in tests)
     * @param nanoTime   the monotonic clock ({@link System#nanoTime} but in tests)
     */
    CountSharing(RateCountStore store, long bucketMillis, int buckets, Duration interval, Duration timeout,
            LongSupplier wallMillis, LongSupplier nanoTime, GatewayMetrics metrics) {
        this.store = store;
        this.bucketMillis = bucketMillis;
        this.buckets = buckets;
        this.intervalNanos = interval.toNanos();
        this.liveMillis = Math.max(MIN_LIVE.toMillis(), 8 * interval.toMillis());
        this.timeout = timeout;
        this.wallMillis = wallMillis;
        this.nanoTime = nanoTime;
        this.metrics = metrics;
        long staleAfter = Math.max(TimeUnit.SECONDS.toNanos(1), ROUNDS_BEFORE_DEGRADED * intervalNanos);
        this.sharing = new Sharing(staleAfter, nanoTime);
        this.thread = new Thread(this::run, "rate-limit-sync");
        thread.setDaemon(true);
    }

    /** Starts the rounds. */
    CountSharing start() {
        thread.start();
        return this;
    }

    Sharing sharing() {
        return sharing;
    }

    /** The store's clock as this gateway estimates it: the clock the buckets are counted in. */
    long storeMillis() {
        return wallMillis.getAsLong() + offsetMillis;
    }

    /**
     * A stage completed once a round that starts after this call has ended (reported back or
     * failed), on the sync thread; completed already once the sharing is closed. Callers that wait
     * for it also {@link #wake} the sync, or the round starts at the next tick.
     */
    CompletableFuture<Void> nextRound() {
        CompletableFuture<Void> next = nextRound.get();
        if (closed) {
            next.complete(null);
            return next;
        }
        // A waiter's own copy, completed after a round's longest time at the latest: a request
        // waiting for a round never waits longer than the round could take, whatever the rounds do.
        return next.copy().completeOnTimeout(null, intervalNanos + timeout.toNanos() + ROUND_SLACK.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** Queues a window for the next round (it queues itself once until that round takes it). */
    void enqueue(SlidingWindow window) {
        due.add(window);
    }

    /** Runs a round now rather than at the next tick. */
    void wake() {
        if (!urgent) {
            urgent = true;
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        long next = System.nanoTime();
        while (!closed) {
            long wait = next - System.nanoTime();
            if (wait > 0 && !urgent) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            urgent = false;
            next = System.nanoTime() + intervalNanos;
            try {
                round();
            } catch (RuntimeException e) {
                // A bug in one round must not end the rounds: the limits would stay degraded for good.
                LOG.error("rate-limit sharing round failed", e);
            }
        }
    }

    /** One round, on the sync thread (and a last one at {@link #close}). */
    void round() {
        round(false);
    }

    private void round(boolean leaving) {
        CompletableFuture<Void> ending = nextRound.getAndSet(new CompletableFuture<>());
        try {
            exchange(leaving);
        } finally {
            ending.complete(null);
        }
    }

    private void exchange(boolean leaving) {
        long localMillis = wallMillis.getAsLong();
        long storeNow = localMillis + offsetMillis;
        long bucket = Math.floorDiv(storeNow, bucketMillis);
        List<SlidingWindow> windows = new ArrayList<>();
        List<SlidingWindow.Taken> taken = new ArrayList<>();
        List<RateCountStore.Push> pushes = new ArrayList<>();
        SlidingWindow window;
        while (windows.size() < MAX_SUBJECTS_PER_ROUND && (window = due.poll()) != null) {
            SlidingWindow.Taken took = window.take(bucket);
            windows.add(window);
            taken.add(took);
            pushes.add(new RateCountStore.Push(window.subject().storeName(), took.buckets(), took.deltas()));
        }
        if (windows.size() == MAX_SUBJECTS_PER_ROUND && !due.isEmpty()) {
            urgent = true;
        }
        long sent = nanoTime.getAsLong();
        RateCountStore.Reply reply;
        try {
            reply = store.sync(new RateCountStore.Request(gatewayId, liveMillis, storeNow, bucketMillis, buckets,
                    pushes, leaving)).toCompletableFuture().get(timeout.plus(ROUND_SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            for (int i = 0; i < windows.size(); i++) {
                windows.get(i).unreported(taken.get(i));
            }
            failed(e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (int i = 0; i < windows.size(); i++) {
                windows.get(i).unreported(taken.get(i));
            }
            return;
        }
        long halfTrip = TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - sent) / 2;
        offsetMillis = reply.serverMillis() - (localMillis + halfTrip);
        for (int i = 0; i < windows.size(); i++) {
            windows.get(i).reported(taken.get(i), bucket, reply.windows().get(i));
        }
        sharing.reported(reply.liveGateways());
        metrics.rateLimitSync(true);
        if (failing) {
            failing = false;
            LOG.atInfo().setMessage("rate-limit counts are shared again").addKeyValue("gateways", sharing.peers())
                    .log();
        }
    }

    private void failed(Exception e) {
        metrics.rateLimitSync(false);
        if (!failing) {
            failing = true;
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.atWarn().setMessage("cannot share rate-limit counts; each gateway enforces its share of the "
                    + "limits until the store answers").addKeyValue("gateways", sharing.peers())
                    .addKeyValue("error", cause.toString()).log();
        }
    }

    /**
     * Stops the rounds after one last one, so that the other gateways learn this one's counts and
     * stop counting it as live at once (they share the limits among fewer gateways from their next
     * round on).
     */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(timeout.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        round(true);
        nextRound.get().complete(null);
    }
}
