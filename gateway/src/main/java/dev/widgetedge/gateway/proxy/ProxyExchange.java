package dev.widgetedge.gateway.proxy;

import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.gateway.pipeline.Exchange;
import dev.widgetedge.server.HttpResponses;
import dev.widgetedge.server.LingeringClose;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied request and its response, relayed between a client connection and a leased upstream
 * connection. Both directions stream with flow control in the manner of Netty's
 * {@code HexDumpProxy}: one side is read again only once what was last read from it has been
 * written to the other side, so at most one read's worth of a body is held per direction, however
 * large the body and however slow either peer.
 *
 * <p>The upstream connection goes back to its pool only after a complete, keep-alive exchange;
 * any other ending closes it. Every buffer that reaches this class is written on or released.
 *
 * <p>Made and driven by the client connection's {@link ProxyHandler}; confined to that
 * connection's event loop, which is also the upstream connection's.
 */
final class ProxyExchange implements UpstreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    private final ChannelHandlerContext ctx;
    private final UpstreamClient upstream;
    private final GatewayMetrics metrics;
    private final Exchange exchange;
    private final HttpVersion clientVersion;
    private final Runnable onDone;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(2);
    private final ChannelFutureListener requestFlushed = this::requestFlushed;
    private final ChannelFutureListener requestSent = this::requestSent;
    private final ChannelFutureListener responseFlushed = this::responseFlushed;
    private final ChannelFutureListener responseSent = this::responseSent;

    /** The upstream request head, until it is written. */
    private HttpRequest head;
    private UpstreamConnection connection;
    private ScheduledFuture<?> timeout;
    private long lastProgressNanos;
    private long bodyBytes;
    /** Over: finished, or abandoned because the client left. */
    private boolean over;

    private boolean requestRead;
    private boolean requestForwarded;
    /** The upstream answered before the body ended: the rest is read and dropped. */
    private boolean discardingBody;
    /** The gateway gave a final answer and the client connection is ending: parts are dropped. */
    private boolean closing;
    private ChannelFuture unflushedRequest;
    private boolean requestFlushing;

    private boolean responseStarted;
    private boolean responseReceived;
    private boolean responseWritten;
    private boolean upstreamKeepAlive;
    private boolean skippingInterim;
    private ChannelFuture unflushedResponse;

    /**
     * @param ctx           the {@link ProxyHandler}'s context on the client channel
     * @param head          the request head, already rewritten for the upstream
     * @param clientVersion the HTTP version the client spoke, which decides the response framing
     * @param onDone        told once the response is written and the request read to its end
     */
    ProxyExchange(ChannelHandlerContext ctx, UpstreamClient upstream, GatewayMetrics metrics, Exchange exchange,
            HttpRequest head, HttpVersion clientVersion, Runnable onDone) {
        this.ctx = ctx;
        this.upstream = upstream;
        this.metrics = metrics;
        this.exchange = exchange;
        this.head = head;
        this.clientVersion = clientVersion;
        this.onDone = onDone;
    }

    /** Acquires an upstream connection; the head and body parts are sent once it is ready. */
    void start() {
        Future<UpstreamConnection> acquiring = upstream.acquire(ctx.channel().eventLoop());
        acquiring.addListener(done -> connected(acquiring));
    }

    /** Whether the client's request has been read to its last part. */
    boolean requestRead() {
        return requestRead;
    }

    /** The next part of the client's request body; this exchange owns it from here. */
    void requestPart(HttpContent part) {
        boolean last = part instanceof LastHttpContent;
        requestRead |= last;
        bodyBytes += part.content().readableBytes();
        if (closing) {
            ReferenceCountUtil.release(part);
            return;
        }
        if (part.decoderResult().isFailure()) {
            ReferenceCountUtil.release(part);
            malformed(part.decoderResult());
            return;
        }
        if (discardingBody) {
            ReferenceCountUtil.release(part);
            if (bodyBytes > upstream.maxBodyBytes()) {
                ctx.close();
            } else if (last) {
                finishIfDone();
            }
            return;
        }
        if (bodyBytes > upstream.maxBodyBytes()) {
            ReferenceCountUtil.release(part);
            tooLarge();
            return;
        }
        if (connection == null) {
            // Still connecting: only the rest of the current read can arrive before the
            // connection is ready, since the client is not read again until then.
            pending.add(part);
            return;
        }
        forward(part);
    }

    /** The end of one read from the client: the parts forwarded since the last call are flushed. */
    void requestReadComplete() {
        if (closing) {
            return;
        }
        if (discardingBody) {
            if (!requestRead) {
                ctx.read();
            }
            return;
        }
        if (connection != null) {
            flushRequest();
        }
    }

    /** The client connection is gone (or this proxy removed from it): everything is let go. */
    void abort() {
        over = true;
        dropUpstream();
    }

    private void connected(Future<UpstreamConnection> acquired) {
        if (!acquired.isSuccess()) {
            if (!over && !responseStarted) {
                LOG.debug("cannot connect to the upstream", acquired.cause());
                fail(ProxyResponses.unavailable(ctx.alloc()), RequestOutcome.UPSTREAM_UNAVAILABLE);
            }
            return;
        }
        UpstreamConnection leased = acquired.getNow();
        if (over || responseStarted) {
            // Answered or abandoned while connecting; nothing was sent on the connection.
            leased.release();
            return;
        }
        connection = leased;
        leased.lease(this);
        unflushedRequest = leased.channel().write(head);
        head = null;
        HttpContent part;
        while ((part = pending.poll()) != null) {
            forward(part);
        }
        lastProgressNanos = System.nanoTime();
        scheduleTimeout(upstream.responseTimeoutNanos());
        flushRequest();
        leased.channel().read();
    }

    private void forward(HttpContent part) {
        if (part instanceof LastHttpContent last) {
            ProxyHeaders.dropTrailers(last);
        }
        ChannelFuture written = connection.channel().write(part);
        unflushedRequest = written;
        if (part instanceof LastHttpContent) {
            written.addListener(requestSent);
        }
    }

    private void flushRequest() {
        ChannelFuture last = unflushedRequest;
        if (last == null) {
            // A read that brought no body part (half a chunk header, say) still needs a next one.
            if (!requestRead && !requestFlushing) {
                ctx.read();
            }
            return;
        }
        unflushedRequest = null;
        requestFlushing = true;
        connection.channel().flush();
        last.addListener(requestFlushed);
    }

    private void requestFlushed(ChannelFuture written) {
        requestFlushing = false;
        if (written.isSuccess()) {
            lastProgressNanos = System.nanoTime();
        }
        // A failed write closes the upstream connection, and upstreamClosed() answers for it.
        if (!over && !closing && (discardingBody || (written.isSuccess() && !requestRead))) {
            ctx.read();
        }
    }

    private void requestSent(ChannelFuture written) {
        if (written.isSuccess()) {
            requestForwarded = true;
            releaseUpstreamIfDone();
        }
    }

    @Override
    public void responsePart(HttpObject part) {
        if (responseReceived) {
            // More after a complete response (while the request's end is still being written):
            // the connection is out of step and must not be reused.
            ReferenceCountUtil.release(part);
            dropUpstream();
            return;
        }
        if (part.decoderResult().isFailure()) {
            ReferenceCountUtil.release(part);
            LOG.debug("unreadable upstream response", part.decoderResult().cause());
            upstreamFailed();
            return;
        }
        if (part instanceof HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // Interim responses (100, 103) are not relayed; the client waits for the final one.
                skippingInterim = true;
                return;
            }
            responseHead(response);
            return;
        }
        HttpContent content = (HttpContent) part;
        boolean last = content instanceof LastHttpContent;
        if (skippingInterim) {
            skippingInterim = !last;
            ReferenceCountUtil.release(content);
            return;
        }
        unflushedResponse = ctx.write(content);
        if (last) {
            responseReceived = true;
            unflushedResponse.addListener(responseSent);
            unflushedResponse = null;
            ctx.flush();
            if (!requestRead) {
                // The upstream answered before taking the whole body: the rest is read and dropped,
                // and the connection, now out of step, is not reused.
                discardingBody = true;
                dropUpstream();
                ctx.read();
            } else {
                releaseUpstreamIfDone();
            }
        }
    }

    private void responseHead(HttpResponse response) {
        cancelTimeout();
        responseStarted = true;
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        exchange.outcome(exchange.servedOutcome());
        metrics.upstreamResponse(response.status().code());
        ProxyHeaders.prepareResponse(response, clientVersion);
        unflushedResponse = ctx.write(response);
    }

    @Override
    public void responseReadComplete() {
        if (responseReceived) {
            return;
        }
        ChannelFuture last = unflushedResponse;
        if (last == null) {
            connection.channel().read();
            return;
        }
        unflushedResponse = null;
        ctx.flush();
        last.addListener(responseFlushed);
    }

    private void responseFlushed(ChannelFuture written) {
        // A failed write means the client connection is closing; its close aborts this exchange.
        if (written.isSuccess() && connection != null && !responseReceived) {
            connection.channel().read();
        }
    }

    private void responseSent(ChannelFuture written) {
        if (!written.isSuccess()) {
            ctx.close();
            return;
        }
        responseWritten = true;
        finishIfDone();
    }

    @Override
    public void upstreamClosed() {
        connection = null;
        upstreamFailed();
    }

    /** The upstream connection broke: answer 502 if nothing was sent yet, else end the client's. */
    private void upstreamFailed() {
        if (responseReceived || over) {
            return;
        }
        if (responseStarted) {
            dropUpstream();
            // Part of the response is out already; only a close tells the client it is cut short.
            closing = true;
            ctx.close();
            return;
        }
        fail(ProxyResponses.unavailable(ctx.alloc()), RequestOutcome.UPSTREAM_UNAVAILABLE);
    }

    private void scheduleTimeout(long delayNanos) {
        timeout = ctx.executor().schedule(this::timedOut, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The timer runs from the last moment the upstream made progress: connected, or took a part of
     * the body. A slow upload therefore does not count against the upstream's answer time.
     */
    private void timedOut() {
        timeout = null;
        if (responseStarted || over) {
            return;
        }
        long quiet = System.nanoTime() - lastProgressNanos;
        if (quiet < upstream.responseTimeoutNanos()) {
            scheduleTimeout(upstream.responseTimeoutNanos() - quiet);
            return;
        }
        fail(ProxyResponses.timeout(ctx.alloc()), RequestOutcome.UPSTREAM_TIMEOUT);
    }

    /**
     * Answers the client in the upstream's place. The upstream connection is closed, never reused.
     * If the client is still sending its body, the connection ends after the answer, which is the
     * only way to stop an upload.
     */
    private void fail(FullHttpResponse response, RequestOutcome outcome) {
        responseStarted = true;
        responseReceived = true;
        dropUpstream();
        exchange.outcome(outcome);
        metrics.upstreamResponse(response.status().code());
        if (requestRead) {
            ctx.writeAndFlush(response).addListener(responseSent);
        } else {
            closing = true;
            LingeringClose.send(ctx, response);
        }
    }

    /** The body grew past the limit while streaming: 413 if nothing was answered yet, else a close. */
    private void tooLarge() {
        closing = true;
        dropUpstream();
        if (responseStarted) {
            ctx.close();
            return;
        }
        responseStarted = true;
        responseReceived = true;
        exchange.outcome(RequestOutcome.TOO_LARGE);
        LingeringClose.send(ctx, ProxyResponses.tooLarge(ctx.alloc()));
    }

    /**
     * The client's body could not be decoded (a bad chunk): forwarding stops, since the upstream
     * must never take a cut-off body for a complete one, and the client gets 400 if it can.
     */
    private void malformed(DecoderResult result) {
        closing = true;
        dropUpstream();
        if (responseStarted) {
            ctx.close();
            return;
        }
        responseStarted = true;
        responseReceived = true;
        exchange.outcome(RequestOutcome.BAD_REQUEST);
        HttpResponses.rejectMalformed(ctx, result);
    }

    private void releaseUpstreamIfDone() {
        if (connection != null && responseReceived && requestForwarded) {
            UpstreamConnection done = connection;
            connection = null;
            if (upstreamKeepAlive) {
                done.release();
            } else {
                done.close();
            }
        }
    }

    private void finishIfDone() {
        if (!over && responseWritten && requestRead) {
            over = true;
            cancelTimeout();
            onDone.run();
        }
    }

    /** Closes the upstream connection, if any, and lets go of every part not yet sent to it. */
    private void dropUpstream() {
        cancelTimeout();
        HttpContent part;
        while ((part = pending.poll()) != null) {
            ReferenceCountUtil.release(part);
        }
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
