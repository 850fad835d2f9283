package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.KeyFilterState;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which key ids the store has, so that a well-formed key that was never created is refused without
 * a store read: a {@link KeyIdFilter} of every stored id, kept current by the invalidation stream
 * (a create announces its id) and rebuilt from the store.
 *
 * <p><b>Trust.</b> The filter is only used once a build has completed after the latest
 * (re-)subscription: while the subscription was down, creates may have been announced and lost,
 * so an older filter could miss a key. Until then, and while a build after a resubscription runs,
 * {@link #definitelyAbsent} answers {@code false} and unknown keys take the store path (the
 * negative cache shields the store). Ids announced while a build scans the store are added to the
 * new filter before it is trusted, so a create during a build is never missed.
 *
 * <p><b>Rebuilds.</b> After every (re-)subscription; every {@code rebuildEvery}, to drop deleted
 * keys (a Bloom filter cannot forget, so a deleted key is a false positive until then: it costs
 * one store read, then a negative cache entry); and as soon as more ids were added than the filter
 * was sized for. A periodic or growth rebuild keeps the current filter in use until the new one is
 * complete; a failed build (store down) keeps whatever was trusted and tries again with backoff,
 * never trusting an empty or partial filter.
 *
 * <p><b>Sizing.</b> A build sizes the filter for {@value #HEADROOM}× the ids found (at least
 * {@value #MIN_CAPACITY}), so with the target rate of 1 % at capacity it holds under 2 bytes per
 * stored key, and grows to capacity before a growth rebuild.
 *
 * <p>Thread-safe. Builds run on one daemon thread of their own; the store's scan passes ids on its
 * own thread.
 */
public final class ExistenceFilter implements KeyFilterState, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExistenceFilter.class);

    static final double HEADROOM = 1.5;
    static final long MIN_CAPACITY = 10_000;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final WidgetKeyStore store;
    private final GatewayMetrics metrics;
    private final ScheduledExecutorService builder;
    private final boolean ownsBuilder;
    private final ScheduledFuture<?> periodicRebuild;
    private final Object lock = new Object();

    /** The filter in use, or {@code null} while none is trusted. */
    private volatile KeyIdFilter trusted;
    /** Bumped by every (re-)subscription: a build started before the latest one is not trusted. */
    private long subscription;
    /** Ids announced while the running build scans; {@code null} when no build runs. */
    private List<UUID> announcedDuringBuild;
    private boolean buildAgain;
    private Duration retryDelay = FIRST_RETRY;
    private volatile long lastBuildNanos;
    private boolean closed;

    /**
     * A filter for {@code store}'s keys, not trusted until the first build, which starts with the
     * first {@link #subscriptionEstablished}. Builds, retries and the periodic rebuild run on
     * {@code builder} (tests pass one they drive by hand).
     */
    public ExistenceFilter(WidgetKeyStore store, GatewayMetrics metrics, Duration rebuildEvery,
            ScheduledExecutorService builder) {
        this(store, metrics, rebuildEvery, builder, false);
    }

    private ExistenceFilter(WidgetKeyStore store, GatewayMetrics metrics, Duration rebuildEvery,
            ScheduledExecutorService builder, boolean ownsBuilder) {
        this.store = store;
        this.metrics = metrics;
        this.builder = builder;
        this.ownsBuilder = ownsBuilder;
        long period = rebuildEvery.toMillis();
        this.periodicRebuild = builder.scheduleWithFixedDelay(this::requestBuild, period, period, TimeUnit.MILLISECONDS);
    }

    /** A filter as above, with a daemon thread of its own for builds, which {@link #close} stops. */
    public static ExistenceFilter start(WidgetKeyStore store, GatewayMetrics metrics, Duration rebuildEvery) {
        ScheduledExecutorService builder = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("key-filter", true));
        return new ExistenceFilter(store, metrics, rebuildEvery, builder, true);
    }

    /**
     * Whether the store certainly does not have {@code id}: {@code false} while no filter is
     * trusted, and for about 1 % of ids it does not have. Counted as {@code absent} or
     * {@code maybe} when a filter answered. Lock-free; no allocation.
     */
    public boolean definitelyAbsent(UUID id) {
        KeyIdFilter filter = trusted;
        if (filter == null) {
            return false;
        }
        boolean absent = !filter.mightContain(id);
        metrics.keyFilterChecked(absent);
        return absent;
    }

    /** As {@link #definitelyAbsent}, without counting: for asking again about the same key. */
    public boolean stillAbsent(UUID id) {
        KeyIdFilter filter = trusted;
        return filter != null && !filter.mightContain(id);
    }

    /** The store has (or had) {@code id}: an invalidation named it. */
    public void learn(UUID id) {
        boolean grown;
        synchronized (lock) {
            KeyIdFilter filter = trusted;
            if (announcedDuringBuild != null) {
                announcedDuringBuild.add(id);
            }
            if (filter == null) {
                return;
            }
            filter.add(id);
            grown = filter.approximateCount() > filter.capacity();
        }
        if (grown) {
            requestBuild();
        }
    }

    /**
     * The invalidation subscription is (again) in place; announcements may have been lost before:
     * stop trusting the filter, and build a new one.
     */
    public void subscriptionEstablished() {
        synchronized (lock) {
            subscription++;
            trusted = null;
        }
        requestBuild();
    }

    @Override
    public boolean isTrusted() {
        return trusted != null;
    }

    @Override
    public long sizeBytes() {
        KeyIdFilter filter = trusted;
        return filter == null ? 0 : filter.sizeBytes();
    }

    @Override
    public long approximateCount() {
        KeyIdFilter filter = trusted;
        return filter == null ? 0 : filter.approximateCount();
    }

    @Override
    public double lastBuildSeconds() {
        return lastBuildNanos / 1e9;
    }

    private void requestBuild() {
        long generation;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (announcedDuringBuild != null) {
                buildAgain = true;
                return;
            }
            announcedDuringBuild = new ArrayList<>();
            generation = subscription;
        }
        onBuilder(() -> build(generation));
    }

    private void build(long generation) {
        long started = System.nanoTime();
        LongStream.Builder ids = LongStream.builder();
        CompletableFuture<Void> scan;
        try {
            scan = store.scanKeyIds(id -> {
                ids.add(id.getMostSignificantBits());
                ids.add(id.getLeastSignificantBits());
            }).toCompletableFuture();
        } catch (RuntimeException e) {
            scan = CompletableFuture.failedFuture(e);
        }
        scan.whenCompleteAsync((done, error) -> finish(generation, ids, started, error), this::onBuilder);
    }

    private void finish(long generation, LongStream.Builder scanned, long started, Throwable error) {
        if (error != null) {
            failed(error);
            return;
        }
        long[] bits = scanned.build().toArray();
        int count = bits.length / 2;
        KeyIdFilter filter = KeyIdFilter.withCapacity(Math.max(MIN_CAPACITY, (long) Math.ceil(count * HEADROOM)));
        for (int i = 0; i < bits.length; i += 2) {
            filter.add(bits[i], bits[i + 1]);
        }
        boolean current;
        synchronized (lock) {
            current = generation == subscription;
            if (current) {
                announcedDuringBuild.forEach(filter::add);
                trusted = filter;
            }
            announcedDuringBuild = null;
            retryDelay = FIRST_RETRY;
        }
        if (current) {
            lastBuildNanos = System.nanoTime() - started;
            metrics.keyFilterBuilt(true);
            LOG.info("key filter built keys={} capacity={} bytes={} seconds={}", count, filter.capacity(),
                    filter.sizeBytes(), String.format("%.3f", lastBuildSeconds()));
        }
        afterBuild(!current);
    }

    private void failed(Throwable error) {
        Duration delay;
        synchronized (lock) {
            announcedDuringBuild = null;
            buildAgain = false;
            delay = retryDelay;
            retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryDelay.multipliedBy(2);
        }
        metrics.keyFilterBuilt(false);
        if (isClosed()) {
            return;
        }
        LOG.warn("key filter build failed, {}; trying again in {} ms ({})", trusted == null
                ? "unknown keys take the store path until one succeeds" : "the current filter stays in use",
                delay.toMillis(), rootMessage(error));
        try {
            builder.schedule(this::requestBuild, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // Closed meanwhile: nothing to retry for.
        }
    }

    /** Runs {@code task} on the build thread, unless the filter is closed. */
    private void onBuilder(Runnable task) {
        try {
            builder.execute(task);
        } catch (RejectedExecutionException closing) {
            // Closed meanwhile: the build is abandoned.
        }
    }

    private void afterBuild(boolean outdated) {
        boolean again;
        synchronized (lock) {
            again = buildAgain || outdated;
            buildAgain = false;
        }
        if (again) {
            requestBuild();
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Stops rebuilding; the filter keeps answering from what it has. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        periodicRebuild.cancel(false);
        if (ownsBuilder) {
            builder.shutdownNow();
        }
    }
}
