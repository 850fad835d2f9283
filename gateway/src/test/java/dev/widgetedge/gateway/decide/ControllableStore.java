package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.store.ForwardingWidgetKeyStore;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.store.InvalidationListener;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.store.StoredWidgetKey;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory store with test controls on the gateway's read: it can be made to fail (an
 * outage), reads can be held until the test releases them (a load in flight), and invalidations
 * can be lost, so that races are played out step by step instead of by timing.
 */
public final class ControllableStore extends ForwardingWidgetKeyStore {

    private final ArrayDeque<Runnable> heldReads = new ArrayDeque<>();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean holdReads;
    private volatile boolean dropMessages;

    public ControllableStore() {
        super(new InMemoryWidgetKeyStore());
    }

    /** While set, every gateway read, usage write and ping fails. */
    public void down(boolean value) {
        down = value;
    }

    /** While set, the answers of gateway reads wait for {@link #releaseOneRead()}. */
    public void holdReads(boolean value) {
        holdReads = value;
    }

    /** While set, invalidations are published but never delivered: lost messages. */
    public void dropMessages(boolean value) {
        dropMessages = value;
    }

    /** Delivers the oldest held read's answer (the state as it was when read). */
    public void releaseOneRead() {
        Runnable read;
        synchronized (this) {
            read = heldReads.poll();
        }
        if (read == null) {
            throw new IllegalStateException("no store read is held");
        }
        read.run();
    }

    public synchronized int heldReadCount() {
        return heldReads.size();
    }

    /** How many gateway reads ({@link #findByKey}) were made. */
    public int reads() {
        return reads.get();
    }

    @Override
    public synchronized CompletionStage<Optional<StoredWidgetKey>> findByKey(KeyLookup lookup) {
        reads.incrementAndGet();
        if (down) {
            return CompletableFuture.failedFuture(new StoreException("store is down (test)"));
        }
        // The read happens now; only its answer is delayed, as with a slow network.
        Optional<StoredWidgetKey> answer = super.findByKey(lookup).toCompletableFuture().join();
        if (!holdReads) {
            return CompletableFuture.completedFuture(answer);
        }
        CompletableFuture<Optional<StoredWidgetKey>> later = new CompletableFuture<>();
        heldReads.add(() -> later.complete(answer));
        return later;
    }

    @Override
    public CompletionStage<Void> recordUsage(UUID id, Instant usedAt) {
        return down ? CompletableFuture.failedFuture(new StoreException("store is down (test)"))
                : super.recordUsage(id, usedAt);
    }

    @Override
    public AutoCloseable subscribe(InvalidationListener listener) {
        return super.subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
                if (!dropMessages) {
                    listener.onInvalidation(invalidation);
                }
            }

            @Override
            public void onResubscribed() {
                listener.onResubscribed();
            }
        });
    }

    @Override
    public CompletionStage<Void> ping() {
        return down ? CompletableFuture.failedFuture(new StoreException("store is down (test)")) : super.ping();
    }
}
