package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.store.ChangeCursor;
import dev.widgetedge.core.store.KeyFilterSnapshots;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.GatewayMetrics.KeyFilterSource;
import dev.widgetedge.gateway.metrics.KeyFilterState;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which key ids the store has, so that a well-formed key that was never created is refused without
 * a store read: a {@link KeyIdFilter} of every stored id, kept current by the invalidation stream
 * (a create announces its id), built from the store's key index or from the snapshot the gateways
 * share in the store.
 *
 * <p><b>Trust.</b> The filter is only used once a build has completed after the latest
 * (re-)subscription: while the subscription was down, creates may have been announced and lost,
 * so an older filter could miss a key. Until then, and while a build after a resubscription runs,
 * {@link #definitelyAbsent} answers {@code false} and unknown keys take the store path (the
 * negative cache shields the store). Ids announced while a build runs are added to the new filter
 * before it is trusted, so a create during a build is never missed.
 *
 * <p><b>Coverage: why a filter from a snapshot never misses a key.</b> With the filter in use the
 * gateway keeps the change-log cursor it <em>covers</em>: every key whose create the change log
 * holds at or before that cursor is in the filter. (A create writes the key, publishes its
 * announcement and appends it to the log in one atomic step.)
 * <ol>
 *   <li>A build from the key index reads the log's end first, then scans: a key created before
 *       that read is in the index for the whole scan (unless it is deleted meanwhile, and then
 *       refusing it is right), so the scan passes it. The new filter covers that first read.</li>
 *   <li>Catching up (reading the log from the covered cursor to its end and adding the id of
 *       every change found) makes the filter cover the end it read. A gap (the cursor is older
 *       than the log keeps reliably) ends the coverage: that filter writes no snapshot until it is
 *       rebuilt.</li>
 *   <li>A snapshot is the filter's bits copied after a catch-up, with the cursor it reached. Bits
 *       are only ever set, so the copy has every id the filter had when the copying began.</li>
 *   <li>A gateway whose filter is not trusted, once its subscription is in place, loads the
 *       snapshot and catches up from its cursor. Keys created up to that cursor are in the bits,
 *       keys created up to the end it read are in the changes it read, and every later create is
 *       announced to the subscription, which was in place before that read, and learned, as
 *       during a scan. A gap means the snapshot is too old: it is not used.</li>
 * </ol>
 * The argument rests on the change log alone, never on announcements having been delivered, so a
 * gateway that missed some (its subscription dropped and is not yet re-established) still writes a
 * complete snapshot.
 *
 * <p><b>Snapshots.</b> A snapshot is written after every build from the key index and refreshed
 * every {@link #SNAPSHOT_EVERY} by whichever gateway claims that period (one per period), well
 * within the log's usable retention; every gateway catches its coverage up each period, so any of
 * them can take over. A build when no filter is trusted (at start, after a resubscription, a retry)
 * tries the snapshot first; one that is missing, unreadable, of another format or corrupt (a
 * warning names it) or too old is passed over for the key index. A store without snapshots
 * ({@link KeyFilterSnapshots#NONE}, the in-memory store) always builds from its index.
 *
 * <p><b>Rebuilds.</b> After every (re-)subscription; every {@code rebuildEvery}, from the key
 * index, to drop deleted keys (a Bloom filter cannot forget, so a deleted key is a false positive
 * until then: it costs one store read, then a negative cache entry; a filter from a snapshot
 * carries the deleted keys of the filter it was copied from, until its own rebuild); and as soon
 * as more ids were added than the filter was sized for. A periodic or growth rebuild keeps the
 * current filter in use until the new one is complete; a failed build (store down) keeps whatever
 * was trusted and tries again with backoff, never trusting an empty or partial filter.
 *
 * <p><b>Sizing.</b> A build from the index sizes the filter for {@value #HEADROOM}× the ids found
 * (at least {@value #MIN_CAPACITY}), so with the target rate of 1 % at capacity it holds under 2
 * bytes per stored key, and grows to capacity before a growth rebuild. A filter from a snapshot
 * keeps the snapshot's sizing.
 *
 * <p>Thread-safe. Builds and snapshot writes run on one daemon thread of their own; the store's
 * replies arrive on its own threads.
 */
public final class ExistenceFilter implements KeyFilterState, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExistenceFilter.class);

    static final double HEADROOM = 1.5;
    static final long MIN_CAPACITY = 10_000;
    /**
     * How often the shared snapshot is refreshed (by one gateway) and every gateway's coverage
     * caught up: a fraction of the change log's usable retention, so a snapshot is never too old
     * while a gateway runs.
     */
    static final Duration SNAPSHOT_EVERY = Duration.ofMinutes(1);
    /** Changes per read while catching up. */
    private static final int CATCH_UP_BATCH = 1_000;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final WidgetKeyStore store;
    private final KeyFilterSnapshots snapshots;
    private final boolean sharesSnapshots;
    private final GatewayMetrics metrics;
    private final ScheduledExecutorService builder;
    private final boolean ownsBuilder;
    private final ScheduledFuture<?> periodicRebuild;
    private final ScheduledFuture<?> periodicSnapshot;
    private final Object lock = new Object();

    /** The filter in use, or {@code null} while none is trusted. */
    private volatile KeyIdFilter trusted;
    /** The change-log cursor {@code trusted} covers; {@code null} when none is (after a gap). */
    private ChangeCursor covered;
    /** Bumped by every (re-)subscription: a build started before the latest one is not trusted. */
    private long subscription;
    /** Ids announced while the running build scans; {@code null} when no build runs. */
    private List<UUID> announcedDuringBuild;
    private boolean buildAgain;
    private Duration retryDelay = FIRST_RETRY;
    private volatile long lastBuildNanos;
    private volatile boolean snapshotWritesFailing;
    private boolean closed;

    /**
     * A filter for {@code store}'s keys, not trusted until the first build, which starts with the
     * first {@link #subscriptionEstablished}. Builds, retries, snapshot writes and the periodic
     * rebuild run on {@code builder} (tests pass one they drive by hand).
     */
    public ExistenceFilter(WidgetKeyStore store, GatewayMetrics metrics, Duration rebuildEvery,
            ScheduledExecutorService builder) {
        this(store, metrics, rebuildEvery, builder, false);
    }

    private ExistenceFilter(WidgetKeyStore store, GatewayMetrics metrics, Duration rebuildEvery,
            ScheduledExecutorService builder, boolean ownsBuilder) {
        this.store = store;
        this.snapshots = store.keyFilterSnapshots();
        this.sharesSnapshots = snapshots != KeyFilterSnapshots.NONE;
        this.metrics = metrics;
        this.builder = builder;
        this.ownsBuilder = ownsBuilder;
        long period = rebuildEvery.toMillis();
        this.periodicRebuild = builder.scheduleWithFixedDelay(this::requestBuild, period, period, TimeUnit.MILLISECONDS);
        long snapshotPeriod = SNAPSHOT_EVERY.toMillis();
        this.periodicSnapshot = builder.scheduleWithFixedDelay(() -> writeSnapshot(true), snapshotPeriod,
                snapshotPeriod, TimeUnit.MILLISECONDS);
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
            covered = null;
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
        boolean untrusted;
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
            untrusted = trusted == null;
        }
        onBuilder(() -> build(generation, untrusted && sharesSnapshots));
    }

    /** A filter built, where from, and the change-log cursor it covers. */
    private record Built(KeyIdFilter filter, ChangeCursor covered, KeyFilterSource source) {
    }

    /**
     * One build: from the snapshot when {@code trySnapshot} (no filter is trusted: the quick way
     * back to one) and it can be used, else from the key index (a periodic or growth rebuild always).
     */
    private void build(long generation, boolean trySnapshot) {
        long started = System.nanoTime();
        CompletionStage<Built> built = trySnapshot
                ? fromSnapshot().thenCompose(loaded -> loaded != null ? CompletableFuture.completedFuture(loaded) : fromIndex())
                : fromIndex();
        built.whenCompleteAsync((result, error) -> finish(generation, result, started, error), this::onBuilder);
    }

    /** Reads the log's end, then scans the key index: the filter covers that end (see the class comment). */
    private CompletionStage<Built> fromIndex() {
        LongStream.Builder ids = LongStream.builder();
        return attempt(() -> store.changesSince(null, 1)).thenCompose(start -> attempt(() -> store.scanKeyIds(id -> {
            ids.add(id.getMostSignificantBits());
            ids.add(id.getLeastSignificantBits());
        })).thenApplyAsync(done -> {
            long[] halves = ids.build().toArray();
            int count = halves.length / 2;
            KeyIdFilter filter = KeyIdFilter.withCapacity(Math.max(MIN_CAPACITY, (long) Math.ceil(count * HEADROOM)));
            for (int i = 0; i < halves.length; i += 2) {
                filter.add(halves[i], halves[i + 1]);
            }
            return new Built(filter, start.next(), KeyFilterSource.SCAN);
        }, this::onBuilder));
    }

    /**
     * The stored snapshot, caught up to the log's end; {@code null} when there is none that can be
     * used (the log says why), so that the build goes on from the key index.
     */
    private CompletionStage<Built> fromSnapshot() {
        return attempt(snapshots::load).thenCompose(stored -> {
            if (stored.isEmpty()) {
                LOG.info("no key filter snapshot in {}: building from the key index", snapshots.name());
                return CompletableFuture.<Built>completedFuture(null);
            }
            return CompletableFuture.supplyAsync(() -> decoded(stored.get()), this::onBuilder)
                    .thenCompose(snapshot -> snapshot == null ? CompletableFuture.<Built>completedFuture(null)
                            : caughtUp(snapshot));
        }).exceptionally(error -> {
            LOG.info("cannot read the key filter snapshot in {} ({}): building from the key index", snapshots.name(),
                    rootMessage(error));
            return null;
        });
    }

    private FilterSnapshot decoded(byte[] bytes) {
        try {
            return FilterSnapshot.decode(bytes);
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring the key filter snapshot in {}: {}; building from the key index", snapshots.name(),
                    e.getMessage());
            return null;
        }
    }

    private CompletionStage<Built> caughtUp(FilterSnapshot snapshot) {
        return catchUp(snapshot.filter(), snapshot.covered()).thenApply(end -> {
            if (end == null) {
                LOG.info("the key filter snapshot in {} covers the change log up to {}, longer ago than the log is "
                        + "kept reliably: building from the key index", snapshots.name(),
                        Instant.ofEpochMilli(snapshot.covered().readAtMillis()));
                return null;
            }
            return new Built(snapshot.filter(), end, KeyFilterSource.SNAPSHOT);
        });
    }

    /**
     * Adds the id of every change logged after {@code from} to {@code filter}: the cursor it then
     * covers, or {@code null} after a gap (changes since {@code from} may be gone from the log).
     */
    private CompletionStage<ChangeCursor> catchUp(KeyIdFilter filter, ChangeCursor from) {
        return attempt(() -> store.changesSince(from, CATCH_UP_BATCH)).thenCompose(batch -> {
            if (batch.gap()) {
                return CompletableFuture.completedFuture(null);
            }
            batch.changes().forEach(change -> filter.add(change.keyId()));
            return batch.complete() ? CompletableFuture.completedFuture(batch.next()) : catchUp(filter, batch.next());
        });
    }

    private void finish(long generation, Built built, long started, Throwable error) {
        if (error != null) {
            failed(error);
            return;
        }
        KeyIdFilter filter = built.filter();
        boolean current;
        synchronized (lock) {
            current = generation == subscription;
            if (current) {
                announcedDuringBuild.forEach(filter::add);
                trusted = filter;
                covered = built.covered();
            }
            announcedDuringBuild = null;
            retryDelay = FIRST_RETRY;
        }
        if (current) {
            lastBuildNanos = System.nanoTime() - started;
            metrics.keyFilterBuilt(built.source());
            LOG.info("key filter built from the {} keys={} capacity={} bytes={} seconds={}",
                    built.source() == KeyFilterSource.SNAPSHOT ? "snapshot" : "key index", filter.approximateCount(),
                    filter.capacity(), filter.sizeBytes(), String.format("%.3f", lastBuildSeconds()));
            if (built.source() == KeyFilterSource.SCAN) {
                writeSnapshot(false);
            }
        }
        afterBuild(!current || isOverCapacity(filter));
    }

    /**
     * The periodic refresh found that the change log no longer holds every change since
     * {@code filter} was last brought up to date (a gap): if the subscription dropped unnoticed
     * meanwhile, creates it missed reached this gateway only through the log, so the filter is not
     * trusted again until it is rebuilt.
     */
    private void distrustAfterGap(KeyIdFilter filter) {
        synchronized (lock) {
            if (trusted != filter) {
                return;
            }
            subscription++;
            trusted = null;
            covered = null;
        }
        LOG.warn("the change log no longer holds every change since the key filter was brought up to date: "
                + "rebuilding it; unknown keys take the store path until then");
        requestBuild();
    }

    private static boolean isOverCapacity(KeyIdFilter filter) {
        return filter.approximateCount() > filter.capacity();
    }

    /**
     * Catches the filter in use up to the log's end, then saves it as the store's snapshot: at
     * once after a build from the index, or (with {@code claimFirst}) if this gateway claims the
     * period. Does nothing while no filter, or no coverage, is known.
     */
    private void writeSnapshot(boolean claimFirst) {
        KeyIdFilter filter;
        ChangeCursor from;
        synchronized (lock) {
            if (closed || !sharesSnapshots || trusted == null || covered == null) {
                return;
            }
            filter = trusted;
            from = covered;
        }
        catchUp(filter, from).thenCompose(end -> {
            synchronized (lock) {
                if (trusted == filter) {
                    covered = end;
                }
            }
            if (isOverCapacity(filter)) {
                requestBuild();
            }
            if (end == null) {
                if (claimFirst) {
                    distrustAfterGap(filter);
                } else {
                    // Right after a build from the index, which is complete by itself: only no snapshot now.
                    LOG.info("the change log cannot be read from where the key filter's build began: no snapshot "
                            + "is written from this build");
                }
                return CompletableFuture.completedFuture(null);
            }
            CompletionStage<Boolean> mayWrite = claimFirst ? attempt(() -> snapshots.claim(SNAPSHOT_EVERY))
                    : CompletableFuture.completedFuture(true);
            return mayWrite.thenComposeAsync(write -> write ? save(filter, end) : CompletableFuture.completedFuture(null),
                    this::onBuilder);
        }).whenComplete((done, error) -> {
            if (error != null) {
                metrics.keyFilterSnapshotSaved(false);
                if (!snapshotWritesFailing) {
                    snapshotWritesFailing = true;
                    LOG.warn("cannot write the key filter snapshot to {} ({}); trying again in {} s", snapshots.name(),
                            rootMessage(error), SNAPSHOT_EVERY.toSeconds());
                }
            }
        });
    }

    private CompletionStage<Void> save(KeyIdFilter filter, ChangeCursor end) {
        byte[] bytes = FilterSnapshot.encode(filter, end);
        return attempt(() -> snapshots.save(bytes)).thenRun(() -> {
            metrics.keyFilterSnapshotSaved(true);
            snapshotWritesFailing = false;
            LOG.debug("key filter snapshot written to {}: {} bytes", snapshots.name(), bytes.length);
        });
    }

    private void failed(Throwable error) {
        Duration delay;
        synchronized (lock) {
            announcedDuringBuild = null;
            buildAgain = false;
            delay = retryDelay;
            retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryDelay.multipliedBy(2);
        }
        metrics.keyFilterBuildFailed();
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

    /** The store call's stage, or a failed one if making the call threw. */
    private static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
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
        periodicSnapshot.cancel(false);
        if (ownsBuilder) {
            builder.shutdownNow();
        }
    }
}
