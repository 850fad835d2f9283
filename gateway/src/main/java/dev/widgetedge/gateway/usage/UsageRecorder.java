package dev.widgetedge.gateway.usage;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.decide.CachedKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code last_used_at} back, batched and off the request path: a key is marked at most
 * once per flush window (one volatile read per allowed request otherwise), and the marks are
 * written every {@code flushEvery}. Marks that fail to write (store down) are kept for the next
 * flush, so a first use is not lost to an outage.
 */
public final class UsageRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);

    private final WidgetKeyStore store;
    private final long flushMillis;
    private final long flushNanos;
    private final Clock clock;
    private final Ticker ticker;
    /**
     * Marks per store write: a flush of many keys (a million keys in use is tens of thousands of
     * marks a second) is a few writes, each small enough not to hold the store up.
     */
    public static final int WRITE_CHUNK = 500;

    private final ConcurrentHashMap<UUID, Long> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    private UsageRecorder(WidgetKeyStore store, Duration flushEvery, Clock clock, Ticker ticker, boolean scheduled) {
        this.store = store;
        this.flushMillis = flushEvery.toMillis();
        this.flushNanos = flushEvery.toNanos();
        this.clock = clock;
        this.ticker = ticker;
        this.scheduler = scheduled ? Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("usage-flush", true)) : null;
        if (scheduler != null) {
            scheduler.scheduleWithFixedDelay(this::flushQuietly, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A recorder that flushes by itself every {@code flushEvery}. Marks are timed with
     * {@code ticker} (the decide path's, read once per request anyway) and turned into wall-clock
     * times with {@code clock} when written.
     */
    public static UsageRecorder start(WidgetKeyStore store, Duration flushEvery, Clock clock, Ticker ticker) {
        return new UsageRecorder(store, flushEvery, clock, ticker, true);
    }

    /** A recorder that flushes only when {@link #flush()} is called (tests). */
    public static UsageRecorder manual(WidgetKeyStore store, Duration flushEvery, Clock clock, Ticker ticker) {
        return new UsageRecorder(store, flushEvery, clock, ticker, false);
    }

    /**
     * Marks {@code key} used at {@code nowNanos} (a reading of the ticker). Called on the request
     * path for every allowed request.
     */
    public void markUsed(CachedKey key, long nowNanos) {
        // Windows are compared for equality only: truncating to int wraps after 2^32 windows,
        // which at worst skips one mark then.
        int window = (int) (nowNanos / flushNanos);
        if (key.usageWindow() == window) {
            return;
        }
        key.usageWindow(window);
        pending.merge(key.id(), nowNanos, Math::max);
    }

    /** Writes every pending mark; completes when the store has answered for all of them. */
    public CompletableFuture<Void> flush() {
        if (pending.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Map<UUID, Long> batch = Map.copyOf(pending);
        long wallNow = clock.millis();
        long tickerNow = ticker.read();
        // Remove only marks not replaced meanwhile by a newer one, which stays for the next flush.
        batch.forEach((id, at) -> pending.remove(id, at));
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        Map<UUID, Long> chunk = new HashMap<>();
        Map<UUID, Instant> uses = new HashMap<>();
        for (Map.Entry<UUID, Long> mark : batch.entrySet()) {
            chunk.put(mark.getKey(), mark.getValue());
            uses.put(mark.getKey(), Instant.ofEpochMilli(wallNow - (tickerNow - mark.getValue()) / 1_000_000));
            if (chunk.size() == WRITE_CHUNK) {
                writes.add(write(uses, chunk));
                chunk = new HashMap<>();
                uses = new HashMap<>();
            }
        }
        if (!chunk.isEmpty()) {
            writes.add(write(uses, chunk));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /** Writes one chunk; if it fails, its marks wait for the next flush (unless newer ones came). */
    private CompletableFuture<Void> write(Map<UUID, Instant> uses, Map<UUID, Long> marks) {
        return store.recordUsages(uses).toCompletableFuture().exceptionally(error -> {
            marks.forEach((id, at) -> pending.merge(id, at, Math::max));
            return null;
        });
    }

    /** Marks waiting to be written. */
    public int pendingCount() {
        return pending.size();
    }

    private void flushQuietly() {
        try {
            flush().join();
        } catch (RuntimeException e) {
            LOG.warn("usage flush failed: {}", e.toString());
        }
    }

    /** Stops the schedule and writes what is pending, waiting up to {@code timeout}. */
    public void close(Duration timeout) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        try {
            flush().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("{} usage marks not written at shutdown: {}", pending.size(), e.toString());
        }
        if (!pending.isEmpty()) {
            LOG.warn("{} usage marks not written at shutdown (store unavailable)", pending.size());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
