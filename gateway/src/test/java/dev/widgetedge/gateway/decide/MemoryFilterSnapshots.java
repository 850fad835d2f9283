package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.store.KeyFilterSnapshots;
import dev.widgetedge.core.store.StoreException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Snapshots kept in memory, with test controls: the value can be replaced by hand (to play a
 * corrupt or outdated snapshot), the store can be down, and the refresh claim is granted until
 * the test {@linkplain #releaseClaim releases} it, as a lease runs out.
 */
public final class MemoryFilterSnapshots implements KeyFilterSnapshots {

    private volatile byte[] stored;
    private volatile boolean down;
    private boolean claimed;
    private int saves;

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public CompletionStage<Optional<byte[]>> load() {
        return down ? CompletableFuture.failedFuture(new StoreException("store is down (test)"))
                : CompletableFuture.completedFuture(Optional.ofNullable(stored).map(byte[]::clone));
    }

    @Override
    public synchronized CompletionStage<Void> save(byte[] snapshot) {
        if (down) {
            return CompletableFuture.failedFuture(new StoreException("store is down (test)"));
        }
        stored = snapshot.clone();
        saves++;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Boolean> claim(Duration period) {
        if (down) {
            return CompletableFuture.failedFuture(new StoreException("store is down (test)"));
        }
        boolean granted = !claimed;
        claimed = true;
        return CompletableFuture.completedFuture(granted);
    }

    /** The current claim has run out: the next {@link #claim} is granted. */
    public synchronized void releaseClaim() {
        claimed = false;
    }

    /** While set, every call fails as the store's do in an outage. */
    public void down(boolean value) {
        down = value;
    }

    /** The stored bytes, or {@code null}. */
    public byte[] stored() {
        return stored;
    }

    /** Replaces the stored bytes, as another gateway or an operator would. */
    public void replace(byte[] bytes) {
        stored = bytes;
    }

    public synchronized int saves() {
        return saves;
    }
}
