package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.store.Subscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * "Every invalidation published before now has reached me", for the moment the gateway is about
 * to call a key unknown from what it knows: a key created a moment ago may be announced but not
 * yet delivered, and the create's response may reach a client (who then uses the key) before its
 * announcement reaches this gateway. Waiting for {@link Subscription#caughtUp} closes that race,
 * so that a key is served by every connected gateway as soon as the admin API has answered its
 * create, never refused as unknown.
 *
 * <p>Waits are shared: at most one catch-up is asked of the store at a time, and every caller that
 * arrives while it runs waits for the next one (which starts after it arrived, as it must), so a
 * flood of forged keys costs one store round trip per round trip, however many requests it sends.
 *
 * <p>Thread-safe. Until {@link #attach} (and with no subscription) a wait completes at once.
 */
final class AnnouncementBarrier {

    private Subscription subscription;
    /** The catch-up that callers arriving now will wait for; not yet asked of the store. */
    private CompletableFuture<Void> next;
    private boolean running;

    /** Waits go to {@code newSubscription} from now on. */
    synchronized void attach(Subscription newSubscription) {
        subscription = newSubscription;
    }

    /**
     * Completes when every invalidation published before this call has been delivered, or with the
     * store's failure. Never completes on the caller's thread unless it completes at once.
     */
    synchronized CompletionStage<Void> await() {
        if (subscription == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (next == null) {
            next = new CompletableFuture<>();
        }
        CompletableFuture<Void> mine = next;
        if (!running) {
            startNext();
        }
        return mine;
    }

    /** Asks the store for the pending catch-up; called with the lock held. */
    private void startNext() {
        CompletableFuture<Void> covered = next;
        next = null;
        running = true;
        CompletionStage<Void> catchUp;
        try {
            catchUp = subscription.caughtUp();
        } catch (RuntimeException e) {
            catchUp = CompletableFuture.failedFuture(e);
        }
        catchUp.whenComplete((done, error) -> {
            synchronized (this) {
                running = false;
                if (next != null) {
                    startNext();
                }
            }
            if (error != null) {
                covered.completeExceptionally(error);
            } else {
                covered.complete(null);
            }
        });
    }
}
