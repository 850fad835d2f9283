package dev.widgetedge.core.store;

/**
 * Receives invalidations. Called on the store's event thread: implementations must be quick and
 * must not block.
 */
public interface InvalidationListener {

    /** One key changed. */
    void onInvalidation(Invalidation invalidation);

    /**
     * The subscription was (re-)established after a gap in which messages may have been lost:
     * every cached decision must now be treated as stale.
     */
    void onResubscribed();
}
