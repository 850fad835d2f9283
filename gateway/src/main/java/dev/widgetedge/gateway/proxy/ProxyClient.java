package dev.widgetedge.gateway.proxy;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The client side of one proxied request, as its {@link ProxyExchange} sees it: implemented by the
 * gateway's exchange handler for that one request. The handler owns the client connection's
 * reading and its response order; the proxy asks for the body one part at a time and writes the
 * response through here. Once the request's exchange is over, every method but {@link #flush()}
 * and {@link #responseTimer()} does nothing, so a late callback can never touch the next request.
 *
 * <p>Called on the client connection's event loop only.
 */
public interface ProxyClient {

    /** The client connection's event loop, on which the upstream connection is opened too. */
    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** The upstream timeout the client connection's proxied exchanges share, one after another. */
    ResponseTimer responseTimer();

    /** Asks for the next part of the request body; it comes to {@link ProxyExchange#requestPart}. */
    void readRequestBody();

    /**
     * Writes the upstream's response head as the answer (unflushed), counted as served: allowed,
     * or reported for a key in report mode.
     */
    void responseHead(HttpResponse head);

    /** Writes a part of the response body, unflushed, and returns the write's future. */
    ChannelFuture responsePart(HttpContent part);

    /**
     * The response's last part is written and the upstream connection let go (back to its pool or
     * closed): the client's next request may start once its body is read.
     */
    void responseEnded();

    /** Flushes what was written to the client. */
    void flush();

    /**
     * Answers the request in the upstream's place with a complete response, counted as
     * {@code outcome}. The rest of the request body, if any, is read and dropped (up to the body
     * limit), and the connection goes on.
     */
    void answer(FullHttpResponse response, RequestOutcome outcome);

    /**
     * As {@link #answer}, but the connection ends after the response, however much of the body is
     * still coming: for a body too large to read, or one that cannot be read.
     */
    void answerAndClose(FullHttpResponse response, RequestOutcome outcome);

    /** Ends the client connection: a response that has started cannot be finished. */
    void close();
}
