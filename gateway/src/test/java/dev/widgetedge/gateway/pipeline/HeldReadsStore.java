package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.store.InvalidationListener;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory store with two controls on the gateway's read ({@link #findByKey}): it can be down
 * (an outage), and its answers can be held until the test releases them (a store read in flight),
 * so that a handler's waiting is played out step by step rather than by timing.
 */
final class HeldReadsStore implements WidgetKeyStore {

    private final InMemoryWidgetKeyStore delegate = new InMemoryWidgetKeyStore();
    private final ArrayDeque<Runnable> heldReads = new ArrayDeque<>();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean holdReads;

    void down(boolean value) {
        down = value;
    }

    void holdReads(boolean value) {
        holdReads = value;
    }

    /** Delivers the oldest held read's answer. */
    void releaseOneRead() {
        Runnable read;
        synchronized (this) {
            read = heldReads.poll();
        }
        if (read == null) {
            throw new IllegalStateException("no store read is held");
        }
        read.run();
    }

    synchronized int heldReadCount() {
        return heldReads.size();
    }

    int reads() {
        return reads.get();
    }

    @Override
    public synchronized CompletionStage<Optional<StoredWidgetKey>> findByKey(KeyLookup lookup) {
        reads.incrementAndGet();
        if (down) {
            return CompletableFuture.failedFuture(new StoreException("store is down (test)"));
        }
        Optional<StoredWidgetKey> answer = delegate.findByKey(lookup).toCompletableFuture().join();
        if (!holdReads) {
            return CompletableFuture.completedFuture(answer);
        }
        CompletableFuture<Optional<StoredWidgetKey>> later = new CompletableFuture<>();
        heldReads.add(() -> later.complete(answer));
        return later;
    }

    @Override
    public CompletionStage<List<WidgetKey>> listByAccount(String accountId) {
        return delegate.listByAccount(accountId);
    }

    @Override
    public CompletionStage<Optional<StoredWidgetKey>> findById(UUID id) {
        return delegate.findById(id);
    }

    @Override
    public CompletionStage<Boolean> insert(WidgetKey key, String digest, Instant now) {
        return delegate.insert(key, digest, now);
    }

    @Override
    public CompletionStage<Boolean> replace(StoredWidgetKey current, WidgetKey next, Instant now) {
        return delegate.replace(current, next, now);
    }

    @Override
    public CompletionStage<Boolean> removeUnused(StoredWidgetKey current, Instant now) {
        return delegate.removeUnused(current, now);
    }

    @Override
    public CompletionStage<Void> recordUsage(UUID id, Instant usedAt) {
        return down ? CompletableFuture.failedFuture(new StoreException("store is down (test)"))
                : delegate.recordUsage(id, usedAt);
    }

    @Override
    public AutoCloseable subscribe(InvalidationListener listener) {
        return delegate.subscribe(listener);
    }

    @Override
    public CompletionStage<Void> ping() {
        return down ? CompletableFuture.failedFuture(new StoreException("store is down (test)")) : delegate.ping();
    }
}
