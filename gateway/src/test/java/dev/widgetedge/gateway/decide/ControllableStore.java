package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.store.ChangeBatch;
import dev.widgetedge.core.store.ChangeCursor;
import dev.widgetedge.core.store.ForwardingWidgetKeyStore;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.store.InvalidationListener;
import dev.widgetedge.core.store.KeyFilterSnapshots;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.store.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The in-memory store with test controls on the gateway's read: it can be made to fail (an
 * outage), reads can be held until the test releases them (a load in flight), and invalidations
 * can be lost, so that races are played out step by step instead of by timing.
 */
public final class ControllableStore extends ForwardingWidgetKeyStore {

    private final List<HeldRead<?>> heldReads = new ArrayList<>();
    private final LongSupplier nanoClock;
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger recordReads = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean holdReads;
    private volatile boolean dropMessages;
    private volatile boolean logGaps;
    private volatile Runnable duringRead;
    private volatile KeyFilterSnapshots snapshots = KeyFilterSnapshots.NONE;

    public ControllableStore() {
        this(System::nanoTime);
    }

    /** A store that times held reads with {@code nanoClock} (a test's fake ticker, say). */
    public ControllableStore(LongSupplier nanoClock) {
        super(new InMemoryWidgetKeyStore());
        this.nanoClock = nanoClock;
    }

    /** From now on the store keeps existence-filter snapshots in {@code kept} (it keeps none by default). */
    public void keepSnapshots(KeyFilterSnapshots kept) {
        snapshots = kept;
    }

    @Override
    public KeyFilterSnapshots keyFilterSnapshots() {
        return snapshots;
    }

    /** While set, every gateway read and scan, usage write and ping fails. */
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

    /**
     * Runs {@code action} inside every gateway read, after the read is issued and before it
     * returns: to play out what other threads do while a load is in progress. {@code null} stops it.
     */
    public void duringRead(Runnable action) {
        duringRead = action;
    }

    /** Delivers the oldest held read's answer (the state as it was when read). */
    public void releaseOneRead() {
        HeldRead<?> read;
        synchronized (this) {
            read = heldReads.isEmpty() ? null : heldReads.remove(0);
        }
        if (read == null) {
            throw new IllegalStateException("no store read is held");
        }
        read.answer();
    }

    /** Delivers the answer of the held read at {@code index} (0 is the oldest): answers may overtake each other. */
    public void releaseRead(int index) {
        HeldRead<?> read;
        synchronized (this) {
            read = heldReads.remove(index);
        }
        read.answer();
    }

    /**
     * Fails every held read that has waited longer than {@code timeout}, as the real store's
     * timeout does: no read stays in flight for longer.
     */
    public void timeOutHeldReads(Duration timeout) {
        List<HeldRead<?>> expired = new ArrayList<>();
        synchronized (this) {
            long now = nanoClock.getAsLong();
            heldReads.removeIf(read -> now - read.heldAtNanos() > timeout.toNanos() && expired.add(read));
        }
        expired.forEach(HeldRead::timeOut);
    }

    public synchronized int heldReadCount() {
        return heldReads.size();
    }

    /** How many of the gateway's reads were of a whole record ({@link #findByKey}). */
    public int recordReads() {
        return recordReads.get();
    }

    /** How many gateway reads ({@link #findByKey}, {@link #versionOf}) were made. */
    public int reads() {
        return reads.get();
    }

    @Override
    public CompletionStage<Optional<StoredWidgetKey>> findByKey(KeyLookup lookup) {
        recordReads.incrementAndGet();
        return gatewayRead(() -> super.findByKey(lookup).toCompletableFuture().join());
    }

    /** The gateway's version read (a revalidation) is controlled like its record read. */
    @Override
    public CompletionStage<OptionalLong> versionOf(UUID id) {
        return gatewayRead(() -> super.versionOf(id).toCompletableFuture().join());
    }

    private synchronized <T> CompletionStage<T> gatewayRead(Supplier<T> read) {
        reads.incrementAndGet();
        if (down) {
            return CompletableFuture.failedFuture(new StoreException("store is down (test)"));
        }
        // The read happens now; only its answer is delayed, as with a slow network.
        T answer = read.get();
        Runnable action = duringRead;
        if (action != null) {
            action.run();
        }
        if (!holdReads) {
            return CompletableFuture.completedFuture(answer);
        }
        HeldRead<T> held = new HeldRead<>(nanoClock.getAsLong(), answer, new CompletableFuture<>());
        heldReads.add(held);
        return held.later();
    }

    private record HeldRead<T>(long heldAtNanos, T value, CompletableFuture<T> later) {

        void answer() {
            later.complete(value);
        }

        void timeOut() {
            later.completeExceptionally(new StoreException("store read timed out (test)"));
        }
    }

    @Override
    public CompletionStage<Void> scanKeyIds(Consumer<UUID> sink) {
        return down ? CompletableFuture.failedFuture(new StoreException("store is down (test)"))
                : super.scanKeyIds(sink);
    }

    @Override
    public CompletionStage<ChangeBatch> changesSince(ChangeCursor after, int max) {
        if (down) {
            return CompletableFuture.failedFuture(new StoreException("store is down (test)"));
        }
        return logGaps && after != null
                ? super.changesSince(null, max).thenApply(start -> ChangeBatch.gapBefore(start.next()))
                : super.changesSince(after, max);
    }

    /** While on, every read of the change log from a cursor reports a gap (as when the cursor is older than the log keeps). */
    public void logGaps(boolean on) {
        logGaps = on;
    }

    @Override
    public CompletionStage<Void> recordUsage(UUID id, Instant usedAt) {
        return down ? CompletableFuture.failedFuture(new StoreException("store is down (test)"))
                : super.recordUsage(id, usedAt);
    }

    @Override
    public Subscription subscribe(InvalidationListener listener) {
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
