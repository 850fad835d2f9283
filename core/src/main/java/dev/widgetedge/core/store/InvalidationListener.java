package dev.widgetedge.core.store;

/**
 * Receives invalidations. Called on the store's event thread: implementations must be quick and
 * must not block.
 */
public interface InvalidationListener {

    /** One key changed. */
    void onInvalidation(Invalidation invalidation);

    /**
     * The subscription is in place: first after {@link WidgetKeyStore#subscribe}, then again after
     * every reconnection, following a gap in which messages may have been lost. Every cached
     * decision must now be treated as stale, and anything built from the store before this point
     * may have missed changes announced in the gap.
     */
    void onResubscribed();
}
