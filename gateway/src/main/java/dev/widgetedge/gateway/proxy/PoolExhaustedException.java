package dev.widgetedge.gateway.proxy;

/**
 * Every upstream connection of an I/O thread is leased and as many requests as allowed already
 * wait for one: the request is refused rather than queued without bound.
 */
final class PoolExhaustedException extends Exception {

    private static final long serialVersionUID = 1L;

    PoolExhaustedException(int maxConnections, int maxPending) {
        super("all " + maxConnections + " upstream connections of this I/O thread are in use and " + maxPending
                + " requests already wait for one", null, false, false);
    }
}
