package dev.widgetedge.gateway.proxy;

import io.netty.handler.codec.http.HttpObject;

/**
 * Receives what happens on a leased upstream connection. Called on that connection's event loop,
 * which is also the client connection's, by {@link UpstreamConnection} while the lease lasts.
 */
interface UpstreamListener {

    /** One decoded part of the upstream's response; the listener owns (and must release) it. */
    void responsePart(HttpObject part);

    /** The end of one read from the upstream: the parts passed since the last call can be flushed. */
    void responseReadComplete();

    /** The upstream connection closed (or broke) while leased. */
    void upstreamClosed();
}
