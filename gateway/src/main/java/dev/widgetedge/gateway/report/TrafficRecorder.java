package dev.widgetedge.gateway.report;

import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.report.HourlyTraffic;
import dev.widgetedge.core.report.OriginLabels;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.decide.DecideClock;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts, per known key, the origins the gateway sees and how it answered them, and writes the
 * counts to the store off the request path, for the origin report and the daily usage.
 *
 * <p><b>One window per hour.</b> Counts go to the current {@link TrafficWindow}, which is the UTC
 * hour's: a key's tallies are made once per origin and outcome in the hour and live the hour, so
 * that with a million keys in use the report is a set of long-lived objects, promoted once, and not
 * young garbage that every collection copies. Every {@code flushEvery} the flusher writes, for each
 * key of the hour, what was counted since its last write ({@value #KEYS_PER_WRITE} keys with new
 * counts per store call; a key with none costs a walk of its tallies and nothing else). A write
 * that fails needs nothing kept aside: its counts stay unwritten and go with the next flush. The
 * window closes at the hour (and at {@link #close}); a closed window is written once more at the
 * next flush, for counts that raced the switch, and kept while its writes fail, to retry it at
 * every flush, {@link #MAX_RETAINED_WINDOWS} times at most; so no count is written twice and none
 * is lost while the store comes back in time. The next flush starts {@code flushEvery} after the
 * last pass of writes completed, never while one runs.
 *
 * <p><b>Store load.</b> At most {@value #WRITES_IN_FLIGHT} writes are in flight at once, of
 * {@value #KEYS_PER_WRITE} keys each: with a million keys in use hundreds of thousands of keys have
 * new counts at a flush, and sending them all at once queued every other store call of the gateway
 * (misses, the change log, rate-limit sharing) behind them until they timed out, which failed the
 * writes too. A call per key instead cost the gateway and Redis more than the counting itself
 * (with Zipf traffic over a million keys, a write, a reply and a wake-up of the store client's
 * I/O thread for every key: about 25 µs of CPU per request served).
 *
 * <p><b>Bounds.</b> The hour's window tracks at most {@code maxKeys} keys (the gateway's
 * {@code --cache-max-keys}: it decides no more keys than it caches) and, per key, at most 100
 * distinct origins in the hour (the rest as {@code (other)}). A window that turned a key away since
 * the last flush makes room: the flush retires keys that had nothing counted since the previous
 * flush, so all their counts are in the store, until {@link #ROOMY} of {@code maxKeys} are left.
 * A retired key's tallies refuse {@link Tally#countIfCurrent} from then on (a cached key's
 * remembered tally never counts into a key nobody writes any more), its next request makes it anew
 * in the window, and the retired tallies are written twice more like a closed window's, for counts
 * that raced the retirement. So a gateway whose keys in use exceed {@code maxKeys} within the hour
 * loses at most the new keys' counts of one flush interval each time the window fills, never the
 * rest of the hour, and a window that fits all keys in use (the usual case) never retires any.
 * Requests turned away are dropped and counted in the metrics. The closed windows and retired keys
 * kept for writing hold at most {@code maxKeys} keys in all: when the store cannot keep up, the
 * oldest are given up (their requests counted as dropped) before the newest. Memory is therefore
 * bounded by twice {@code maxKeys} keys' tallies, whatever origins hostile traffic sends, and the
 * store's own cap keeps the report bounded across gateways.
 *
 * <p><b>Cost.</b> A request for an origin already counted in the hour costs the lookups of its key
 * and tally (none for the origin a cached key remembers) and an atomic add to the tally's counter
 * ({@link Tally}): no lock, no allocation, and no reference written into an object made earlier.
 * The first request of a key, origin and outcome in the hour allocates its tally. A flush walks
 * every key of the hour (at most {@code maxKeys}), allocating only for keys with new counts. Thread-safe; the flusher runs on a thread of its own,
 * where the writes that complete on the store's threads continue it.
 */
public final class TrafficRecorder implements AutoCloseable {

    /** How many flushes a closed window whose writes fail is kept for; then it is dropped. */
    static final int MAX_RETAINED_WINDOWS = 30;
    /** Report writes in flight at once: enough to keep a round trip's worth busy, few enough to queue little else behind. */
    static final int WRITES_IN_FLIGHT = 4;
    /**
     * Keys per report write: few enough that one write holds Redis well under a millisecond, many
     * enough that a flush of a million keys is tens of thousands of store calls, not a million.
     */
    static final int KEYS_PER_WRITE = 32;
    /** The share of {@code maxKeys} a full window is brought down to by retiring keys with nothing unwritten. */
    static final double ROOMY = 0.875;

    private static final Logger LOG = LoggerFactory.getLogger(TrafficRecorder.class);
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();

    private final WidgetKeyStore store;
    private final long flushMillis;
    /** Keys tracked in the hour's window; counts for more keys are dropped until a flush makes room. */
    private final long maxKeys;
    private final DecideClock clock;
    private final GatewayMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final LongAdder dropped = new LongAdder();
    /** Closed windows and retired keys not yet written for good, oldest first; the flusher's alone. */
    private final ArrayDeque<TrafficWindow> closed = new ArrayDeque<>();
    private volatile TrafficWindow current;
    /** {@code current.generation}, read on the request path by every tally. */
    private volatile long generation;
    private long droppedReported;
    private boolean failing;
    /** Set by {@link #close}: no flush is scheduled any more. */
    private volatile boolean closing;
    /** The last pass of writes; the next waits for it, so no count is ever written by two passes. */
    private CompletableFuture<Void> lastPass = CompletableFuture.completedFuture(null);

    private TrafficRecorder(WidgetKeyStore store, Duration flushEvery, long maxKeys, DecideClock clock,
            GatewayMetrics metrics, boolean scheduled) {
        this.store = store;
        this.flushMillis = flushEvery.toMillis();
        this.maxKeys = maxKeys;
        this.clock = clock;
        this.metrics = metrics;
        this.current = new TrafficWindow(0, clock.wallMillis());
        this.scheduler = scheduled ? Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "report-flush");
            thread.setDaemon(true);
            return thread;
        }) : null;
        if (scheduler != null) {
            scheduleNext();
        }
    }

    /**
     * A recorder that flushes by itself every {@code flushEvery} and at every UTC hour, tracking
     * at most {@code maxKeys} keys in the hour's window.
     */
    public static TrafficRecorder start(WidgetKeyStore store, Duration flushEvery, long maxKeys, DecideClock clock,
            GatewayMetrics metrics) {
        return new TrafficRecorder(store, flushEvery, maxKeys, clock, metrics, true);
    }

    /** A recorder that flushes only when {@link #flush()} is called (tests and benchmarks). */
    public static TrafficRecorder manual(WidgetKeyStore store, long maxKeys, DecideClock clock,
            GatewayMetrics metrics) {
        return new TrafficRecorder(store, Duration.ofHours(1), maxKeys, clock, metrics, false);
    }

    long generation() {
        return generation;
    }

    /**
     * Counts a request whose origin the caller has parsed already: {@code origin} is the parsed
     * {@code Origin} header, or {@code null} when it did not parse or was absent.
     *
     * @return the tally it was counted in, or {@code null} when it was dropped (too many keys)
     */
    public Tally countParsed(UUID keyId, CharSequence header, Origin origin, ReportOutcome outcome, long nowMillis) {
        KeyTraffic key = keyTraffic(keyId);
        if (key == null) {
            return null;
        }
        Tally tally = key.findOrAdd(label(header, origin), outcome, nowMillis);
        tally.count(nowMillis);
        return tally;
    }

    /**
     * Counts a request whose origin nobody needed to parse (the key itself was refused): an origin
     * already counted in the hour is found by its exact text, and only a new one is parsed.
     */
    public void countUnparsed(UUID keyId, CharSequence header, ReportOutcome outcome, long nowMillis) {
        KeyTraffic key = keyTraffic(keyId);
        if (key == null) {
            return;
        }
        Tally tally = header == null || header.length() == 0 ? null : key.find(header.toString(), outcome);
        if (tally == null) {
            tally = key.findOrAdd(label(header, Origin.parseHeaderOrNull(header)), outcome, nowMillis);
        }
        tally.count(nowMillis);
    }

    /**
     * Moves one request of {@code keyId} with this {@code Origin} header, already counted as
     * {@code counted} (its decision allowed it), to {@code rate_limited}: a rate limit refused it
     * after all. The decision's count is in the same hour's tally (unless the hour turned in
     * between, a moment's race: it then stays counted in the past hour as well), so the move is
     * exact even when a flush wrote that count already: the tally's unwritten sum then goes below
     * zero, and the next count of that origin and outcome in the hour cancels it instead of being
     * written. Only an hour that ends, or a key retired, with such a sum still below zero leaves
     * the request counted both ways.
     */
    public void rateLimited(UUID keyId, CharSequence header, ReportOutcome counted, long nowMillis) {
        KeyTraffic key = keyTraffic(keyId);
        if (key == null) {
            return;
        }
        String label = header == null || header.length() == 0 ? null : header.toString();
        Tally allowed = label == null ? null : key.find(label, counted);
        if (allowed == null) {
            label = label(header, Origin.parseHeaderOrNull(header));
            allowed = key.findOrAdd(label, counted, nowMillis);
        }
        allowed.uncount();
        key.findOrAdd(allowed.label, ReportOutcome.RATE_LIMITED, nowMillis).count(nowMillis);
    }

    /**
     * The report's name for an {@code Origin} header: its normalized serialization (the header
     * itself when a browser sent it, as browsers send it normalized), or a fixed label.
     */
    static String label(CharSequence header, Origin origin) {
        if (header == null || header.length() == 0) {
            return OriginLabels.MISSING;
        }
        if (OriginLabels.NULL.contentEquals(header)) {
            return OriginLabels.NULL;
        }
        if (origin == null) {
            return OriginLabels.INVALID;
        }
        return origin.isSerializedAs(header) ? header.toString() : origin.toString();
    }

    private KeyTraffic keyTraffic(UUID keyId) {
        TrafficWindow window = current;
        KeyTraffic key = window.keys.get(keyId);
        if (key != null) {
            return key;
        }
        if (window.keys.size() >= maxKeys) {
            dropped.increment();
            return null;
        }
        return window.keys.computeIfAbsent(keyId, id -> new KeyTraffic(id, this, window.generation));
    }

    /**
     * Writes what was counted since the last flush: the hour's new counts, and every closed window
     * and retired key not yet written for good; closes the window first when its hour has passed.
     * Completes when the store has answered for all of them (a failed write is retried at the next
     * flush).
     */
    public synchronized CompletableFuture<Void> flush() {
        long now = clock.wallMillis();
        if (!current.covers(now)) {
            closeWindow(now);
        }
        return nextPass();
    }

    /** Starts a new window and keeps the current one to be written twice. */
    private void closeWindow(long nowMillis) {
        TrafficWindow closing = current;
        current = new TrafficWindow(closing.generation + 1, nowMillis);
        generation = current.generation;
        closed.addLast(closing);
    }

    private CompletableFuture<Void> nextPass() {
        lastPass = lastPass.handle((done, error) -> null).thenCompose(ignored -> pass());
        return lastPass;
    }

    /** Writes the hour's window and every closed one once; called when the pass before it is complete. */
    private synchronized CompletableFuture<Void> pass() {
        while (!closed.isEmpty() && closed.peekFirst().passes >= MAX_RETAINED_WINDOWS) {
            drop(closed.removeFirst(), MAX_RETAINED_WINDOWS + " flushes");
        }
        while (closed.size() > 1 && keysKept() > maxKeys) {
            drop(closed.removeFirst(), "newer windows holding " + maxKeys + " keys");
        }
        boolean turnedKeysAway = dropped.sum() > droppedReported;
        reportDropped();
        TrafficWindow open = current;
        Retirement retirement = turnedKeysAway ? new Retirement(open, open.keys.size() - (long) (maxKeys * ROOMY))
                : null;
        List<TrafficWindow> windows = List.copyOf(closed);
        List<CompletableFuture<Boolean>> writes = new ArrayList<>(windows.size());
        for (TrafficWindow window : windows) {
            writes.add(write(window, null));
        }
        CompletableFuture<Boolean> openWritten = write(open, retirement);
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenCombine(openWritten,
                (done, openOk) -> {
                    synchronized (this) {
                        boolean allWritten = openOk;
                        for (int i = 0; i < windows.size(); i++) {
                            TrafficWindow window = windows.get(i);
                            window.passes++;
                            boolean written = writes.get(i).join();
                            allWritten &= written;
                            // Written twice (the second for counts that raced the switch) and nothing failed: done.
                            if (written && window.passes >= 2) {
                                closed.remove(window);
                            }
                        }
                        if (retirement != null && !retirement.retired.keys.isEmpty()) {
                            closed.addLast(retirement.retired);
                        }
                        noteOutcome(allWritten);
                        return null;
                    }
                });
    }

    /**
     * The keys of the hour's window a pass retires to make room, up to a budget: only keys with
     * nothing unwritten, which it moves to a window of their own, written twice more like a closed
     * one. Called by the pass's write lanes, on whichever thread completes a write.
     */
    private static final class Retirement {
        final TrafficWindow retired;
        private final TrafficWindow from;
        private long budget;

        Retirement(TrafficWindow from, long budget) {
            this.from = from;
            this.budget = budget;
            this.retired = new TrafficWindow(from.generation, from.hour.toEpochMilli());
        }

        /** Retires {@code key}, whose counts are all in the store, if the budget allows. */
        synchronized void offer(KeyTraffic key) {
            if (budget > 0 && from.keys.remove(key.keyId, key)) {
                key.retire();
                retired.keys.put(key.keyId, key);
                budget--;
            }
        }
    }

    /** The keys of the closed windows and retired keys, in all. */
    private long keysKept() {
        long keys = 0;
        for (TrafficWindow window : closed) {
            keys += window.keys.size();
        }
        return keys;
    }

    /**
     * Writes what {@code window} counted since its last write, up to {@value #KEYS_PER_WRITE} keys
     * per store call and at most {@value #WRITES_IN_FLIGHT} calls at a time, and offers
     * {@code retirement} (if any) each key that had nothing to write; completes with whether every
     * write succeeded.
     */
    private CompletableFuture<Boolean> write(TrafficWindow window, Retirement retirement) {
        Iterator<KeyTraffic> keys = window.keys.values().iterator();
        AtomicBoolean allWritten = new AtomicBoolean(true);
        CompletableFuture<?>[] lanes = new CompletableFuture<?>[WRITES_IN_FLIGHT];
        for (int i = 0; i < lanes.length; i++) {
            CompletableFuture<Void> lane = new CompletableFuture<>();
            writeNext(window.hour, keys, retirement, allWritten, lane);
            lanes[i] = lane;
        }
        return CompletableFuture.allOf(lanes).thenApply(done -> allWritten.get());
    }

    /**
     * One lane of {@link #write}: writes the next keys with unwritten counts, and the next when that
     * write completes, until none is left. Loops rather than recursing while writes complete at
     * once (an in-memory store), so that a window of a million keys cannot overflow the stack. A
     * write that completes later continues its lane on the flusher's thread, never on the store's:
     * the lane may then walk many keys with nothing new (a whole flush's walk of a million keys
     * takes a sixth of a second), which must not hold up the store client's I/O thread and every
     * other answer it has to deliver.
     */
    private void writeNext(Instant hour, Iterator<KeyTraffic> keys, Retirement retirement, AtomicBoolean allWritten,
            CompletableFuture<Void> lane) {
        while (true) {
            Batch batch = nextBatch(hour, keys, retirement);
            if (batch.isEmpty()) {
                lane.complete(null);
                return;
            }
            CompletableFuture<Boolean> written = batch.write();
            if (!written.isDone()) {
                written.thenAccept(ok -> onFlusherThread(() -> {
                    if (!ok) {
                        allWritten.set(false);
                    }
                    writeNext(hour, keys, retirement, allWritten, lane);
                }));
                return;
            }
            if (!written.join()) {
                allWritten.set(false);
            }
        }
    }

    /**
     * The next keys of the walk with unwritten counts, up to {@value #KEYS_PER_WRITE}; offers
     * {@code retirement} (if any) each key passed with none. Empty when the walk is over.
     */
    private Batch nextBatch(Instant hour, Iterator<KeyTraffic> keys, Retirement retirement) {
        Batch batch = new Batch();
        while (batch.size() < KEYS_PER_WRITE) {
            KeyTraffic key;
            synchronized (keys) {
                key = keys.hasNext() ? keys.next() : null;
            }
            if (key == null) {
                break;
            }
            if (!batch.add(hour, key) && retirement != null) {
                retirement.offer(key);
            }
        }
        return batch;
    }

    /** Keys' unwritten counts for one store call, and the tallies they were read from. */
    private final class Batch {
        private final List<HourlyTraffic> writes = new ArrayList<>();
        private final List<Tally> counted = new ArrayList<>();

        /** Adds {@code key}'s unwritten counts; {@code false} (and nothing added) when it has none. */
        boolean add(Instant hour, KeyTraffic key) {
            List<TrafficCount> rows = null;
            for (Tally tally : key.table()) {
                Tally.Unwritten unwritten = tally == null ? null : tally.unwritten();
                if (unwritten != null) {
                    if (rows == null) {
                        rows = new ArrayList<>();
                    }
                    counted.add(tally);
                    rows.add(new TrafficCount(tally.label, tally.outcome, unwritten.requests(),
                            Instant.ofEpochMilli(unwritten.firstSeen()), Instant.ofEpochMilli(unwritten.lastSeen())));
                }
            }
            if (rows == null) {
                return false;
            }
            writes.add(new HourlyTraffic(key.keyId, hour, rows));
            return true;
        }

        int size() {
            return writes.size();
        }

        boolean isEmpty() {
            return writes.isEmpty();
        }

        /** Writes the batch; never completes exceptionally. */
        CompletableFuture<Boolean> write() {
            return store.recordTraffic(writes).toCompletableFuture().handle((ok, error) -> {
                for (int i = 0; i < writes.size(); i++) {
                    metrics.reportWrite(error == null);
                }
                if (error != null) {
                    return false;
                }
                counted.forEach(Tally::written);
                return true;
            });
        }
    }

    /** Gives up on a window the store would not take: its unwritten requests are counted as dropped. */
    private void drop(TrafficWindow window, String why) {
        long lost = 0;
        for (KeyTraffic key : window.keys.values()) {
            for (Tally tally : key.table()) {
                Tally.Unwritten unwritten = tally == null ? null : tally.unwritten();
                lost += unwritten == null ? 0 : unwritten.requests();
            }
        }
        metrics.reportDropped(lost);
        LOG.warn("dropped {} requests of the origin report: the store did not take them before {}", lost, why);
    }

    private void reportDropped() {
        long total = dropped.sum();
        if (total > droppedReported) {
            metrics.reportDropped(total - droppedReported);
            droppedReported = total;
        }
    }

    /** One warning when writes start failing, one line when they work again: not one per flush. */
    private void noteOutcome(boolean allWritten) {
        if (!allWritten && !failing) {
            LOG.warn("origin report flush failed; the counts are kept and written again at the next flush");
        } else if (allWritten && failing) {
            LOG.info("origin report flush works again");
        }
        failing = !allWritten;
    }

    /**
     * Runs {@code step} on the flusher's thread; in place for a manual recorder, or once the
     * flusher has stopped (a write that completes after {@link #close}).
     */
    private void onFlusherThread(Runnable step) {
        if (scheduler == null) {
            step.run();
            return;
        }
        try {
            scheduler.execute(step);
        } catch (RejectedExecutionException stopped) {
            step.run();
        }
    }

    private void scheduleNext() {
        long now = clock.wallMillis();
        long untilNextHour = HOUR_MILLIS - Math.floorMod(now, HOUR_MILLIS);
        long delay = Math.max(1, Math.min(flushMillis, untilNextHour));
        try {
            scheduler.schedule(this::flushAndReschedule, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // Closed meanwhile: the final flush is close()'s.
        }
    }

    /**
     * The scheduled flush, and the next one scheduled when it completes. It does not wait on the
     * flusher's thread, which is where the flush's writes continue.
     */
    private void flushAndReschedule() {
        if (closing) {
            return;
        }
        flush().whenComplete((done, error) -> {
            if (error != null) {
                LOG.warn("origin report flush failed: {}", error.toString());
            }
            if (!closing) {
                scheduleNext();
            }
        });
    }

    /**
     * Stops the schedule, closes the hour's window and writes what is counted, waiting up to
     * {@code timeout}; then stops the flusher's thread.
     */
    public void close(Duration timeout) {
        closing = true;
        CompletableFuture<Void> written;
        synchronized (this) {
            closeWindow(clock.wallMillis());
            written = nextPass();
        }
        try {
            written.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("origin report counts not written at shutdown: {}", e.toString());
        } finally {
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
