package dev.widgetedge.gateway.decide;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.widgetedge.core.store.ChangeBatch;
import dev.widgetedge.core.store.ChangeCursor;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.GatewayMetrics.ChangeLogRead;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store's change log every {@link #INTERVAL} and hands what it finds to the
 * {@link KeyDecider}: each change as if it had been announced (a lost announcement arrives this
 * way a second later), then, once the log has been read to its end, a <em>confirmation</em> that
 * every entry the reading covers is still current.
 *
 * <p>That confirmation is what keeps a million cached keys fresh without reading them one by one
 * every {@code --cache-ttl}: the log holds every change, so "no change to this key since it was
 * read" is known from one read of the log's tail, however many keys are cached. A reading
 * starts with the first read (which only finds the log's end) and covers the entries checked
 * after that read was answered: a change to such an entry was logged after the reading started,
 * so a later read finds it. A reading ends, and a new one starts, when the subscription is
 * re-established (the decider's epoch moves on: every entry is stale then anyway) or the log
 * reports a gap. A read that fails confirms nothing: entries then age by their own checks, and
 * the decider's outage rules apply as before.
 *
 * <p>All state is confined to the follower's own thread.
 */
public final class ChangeLogFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeLogFollower.class);

    /** How often the log is read: the bound on how late a lost announcement takes effect. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Changes per read; a longer backlog is read at once in several. */
    static final int BATCH = 1_000;

    private final WidgetKeyStore store;
    private final KeyDecider decider;
    private final Ticker ticker;
    private final GatewayMetrics metrics;
    private final ScheduledExecutorService thread;
    private final boolean ownsThread;

    private ChangeCursor cursor;
    private int readingEpoch;
    private long coveredSince;
    private boolean failing;
    private volatile boolean closed;

    /**
     * A follower that reads on {@code thread} (tests pass one they drive by hand); nothing runs
     * until {@link #poll} is first called or scheduled.
     */
    ChangeLogFollower(WidgetKeyStore store, KeyDecider decider, Ticker ticker, GatewayMetrics metrics,
            ScheduledExecutorService thread, boolean ownsThread) {
        this.store = store;
        this.decider = decider;
        this.ticker = ticker;
        this.metrics = metrics;
        this.thread = thread;
        this.ownsThread = ownsThread;
    }

    /** Starts following on a daemon thread of its own, which {@link #close} stops. */
    public static ChangeLogFollower start(WidgetKeyStore store, KeyDecider decider, Ticker ticker,
            GatewayMetrics metrics) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("change-log", true));
        ChangeLogFollower follower = new ChangeLogFollower(store, decider, ticker, metrics, thread, true);
        follower.onThread(follower::poll);
        return follower;
    }

    /** One read of the log (more at once while a backlog remains), then the next in {@link #INTERVAL}. */
    void poll() {
        if (closed) {
            return;
        }
        int epoch = decider.subscriptionEpoch();
        boolean starting = cursor == null || epoch != readingEpoch;
        long sentAt = ticker.read();
        try {
            store.changesSince(starting ? null : cursor, BATCH)
                    .whenCompleteAsync((batch, error) -> {
                        try {
                            if (error != null) {
                                failed(error);
                            } else if (starting || batch.gap()) {
                                begin(batch, epoch);
                            } else {
                                apply(batch, sentAt);
                            }
                        } catch (RuntimeException e) {
                            // Whatever went wrong, the next read is still scheduled.
                            failed(e);
                        }
                    }, this::onThread);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Logged once per run of failures (the store's own outage is logged by its connection). */
    private void failed(Throwable error) {
        metrics.changeLogRead(ChangeLogRead.ERROR);
        if (!failing) {
            failing = true;
            LOG.warn("cannot read the change log, cached entries age from their own reads until it can: {}",
                    error.toString());
        }
        scheduleNext();
    }

    /** A new reading from the log's end: it covers what is checked from now on. */
    private void begin(ChangeBatch batch, int epoch) {
        recovered();
        metrics.changeLogRead(batch.gap() ? ChangeLogRead.GAP : ChangeLogRead.STARTED);
        cursor = batch.next();
        readingEpoch = epoch;
        coveredSince = ticker.read();
        scheduleNext();
    }

    private void apply(ChangeBatch batch, long sentAt) {
        recovered();
        metrics.changeLogRead(ChangeLogRead.READ);
        for (Invalidation change : batch.changes()) {
            decider.onLoggedChange(change);
        }
        cursor = batch.next();
        if (!batch.complete()) {
            poll();
            return;
        }
        // Every change made before this read ran is applied now, and the read ran after sentAt.
        decider.confirmCurrent(readingEpoch, coveredSince, sentAt);
        scheduleNext();
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("reading the change log again");
        }
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        try {
            thread.schedule(this::poll, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // Closed meanwhile: nothing more to read.
        }
    }

    private void onThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException closing) {
            // Closed meanwhile: the answer is dropped.
        }
    }

    /** Stops following; entries then age by their own checks. */
    @Override
    public void close() {
        closed = true;
        if (ownsThread) {
            thread.shutdownNow();
        }
    }
}
