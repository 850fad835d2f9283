package dev.widgetedge.core.store;

import java.util.concurrent.CompletionStage;

/** A subscription to invalidations, from {@link WidgetKeyStore#subscribe}. */
public interface Subscription extends AutoCloseable {

    /**
     * Completes once every invalidation published before this call has been delivered to the
     * listener, so that a caller can act on "nothing I have not heard of was announced" — or once
     * it is clear that none will be: while the subscription is down, nothing arrives, and
     * re-subscribing reports the gap ({@link InvalidationListener#onResubscribed}). Fails with a
     * {@link StoreException} when the store does not answer within the store timeout.
     */
    CompletionStage<Void> caughtUp();

    /** Ends the subscription. */
    @Override
    void close();
}
