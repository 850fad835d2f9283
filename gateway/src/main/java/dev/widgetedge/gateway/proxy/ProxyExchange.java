package dev.widgetedge.gateway.proxy;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.HttpResponses;
import dev.widgetedge.server.RequestTarget;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied request and its response, relayed between a client connection ({@link ProxyClient})
 * and a leased upstream connection, as two explicit state machines: where the request stands
 * ({@link RequestState}) and where the response stands ({@link ResponseState}).
 *
 * <p>Both directions stream with flow control in the manner of Netty's {@code HexDumpProxy}: one
 * side is read again only once what was last read from it has been written to the other side, so
 * at most one read's worth of a body is held per direction, however large the body and however slow
 * either peer. What was written during one read of a side is flushed at the end of that read.
 *
 * <p>Whenever the gateway must answer instead of the upstream (it cannot be reached, is too slow,
 * closes before answering; the body is too large or malformed) there is one path,
 * {@link #answerInPlace}: the upstream connection is dropped and the client answered, or, when part
 * of the upstream's response has already gone out, the client connection is closed.
 *
 * <p>The upstream connection goes back to its pool only after a complete, keep-alive exchange;
 * any other ending closes it. A request with an idempotent method is sent once more, on another
 * connection, when a reused connection closes before any of the response arrived (the upstream
 * closed it as it went idle) and no byte of the body had been sent. Every buffer that reaches this
 * class is written on or released.
 *
 * <p>Confined to the client connection's event loop, which is also the upstream connection's.
 */
public final class ProxyExchange implements UpstreamListener, ResponseTimer.Watched {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    /** RFC 9110 §9.2.2: a repeated request has the effect of one. */
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE);

    /** Where the client's request stands. */
    private enum RequestState {
        /** Waiting for an upstream connection; nothing of the body has been read. */
        CONNECTING,
        /** A part of the body has been asked of the client. */
        READING,
        /** A part is being written to the upstream; the next is asked once it is out. */
        WRITING,
        /** Written whole to the upstream, last part included. */
        FORWARDED,
        /** No longer forwarded (answered in the upstream's place, or abandoned). */
        DROPPED
    }

    /** Where the upstream's response stands. */
    private enum ResponseState {
        /** No response head yet; the upstream timeout runs. */
        AWAITING,
        /** An interim response (1xx) is being skipped; the client waits for the final one. */
        INTERIM,
        /** The head went to the client; body parts follow. */
        RELAYING,
        /** The last part went to the client. */
        RELAYED,
        /** The gateway answered in the upstream's place, or cut the response short. */
        ANSWERED
    }

    private final ProxyClient client;
    private final UpstreamClient upstream;
    private final GatewayMetrics metrics;
    /** The request head rewritten for the upstream; kept to send it again on a retry. */
    private final HttpRequest head;
    private final HttpVersion clientVersion;
    private final boolean retryable;
    private final ChannelFutureListener partWritten = this::partWritten;
    private final ChannelFutureListener responseFlushed = this::responseFlushed;

    private RequestState request = RequestState.CONNECTING;
    private ResponseState response = ResponseState.AWAITING;
    private Future<UpstreamConnection> acquiring;
    private UpstreamConnection connection;
    private boolean reusedConnection;
    private boolean retried;
    /** Whether the client's last body part has arrived (forwarded or not). */
    private boolean requestEnded;
    private long bodyBytes;
    /** The last write to the upstream, until the end of the client's read flushes it. */
    private ChannelFuture unflushedRequest;
    /** The last write to the client, until the end of the upstream's read flushes it. */
    private ChannelFuture unflushedResponse;
    private boolean upstreamKeepAlive;
    private long lastProgressNanos;
    /** While {@link #start} runs, a connection handed over at once is flushed at the end of the client's read. */
    private boolean starting;

    ProxyExchange(ProxyClient client, UpstreamClient upstream, GatewayMetrics metrics, HttpRequest head,
            RequestTarget target, Decision.Allowed allowed, ClientAddress address) {
        this.client = client;
        this.upstream = upstream;
        this.metrics = metrics;
        this.head = head;
        this.clientVersion = head.protocolVersion();
        this.retryable = upstream.retryIdempotent() && IDEMPOTENT.contains(head.method());
        ProxyHeaders.prepareRequest(head, target, allowed, address.forwardedFor(), address.scheme(),
                upstream.authority());
    }

    /**
     * Refuses a body declared too large at once; otherwise starts the timeout and asks for a
     * connection. Callbacks to the client may come before this returns.
     */
    public void start() {
        if (HttpUtil.getContentLength(head, -1L) > upstream.maxBodyBytes()) {
            answerInPlace(ProxyResponses.tooLarge(client.alloc()), RequestOutcome.TOO_LARGE);
            return;
        }
        lastProgressNanos = System.nanoTime();
        client.responseTimer().watch(this, upstream.responseTimeoutNanos());
        starting = true;
        try {
            acquire();
        } finally {
            starting = false;
        }
    }

    /** The next part of the client's request body, which this exchange asked for; it owns the part from here. */
    public void requestPart(HttpContent part) {
        boolean last = part instanceof LastHttpContent;
        requestEnded |= last;
        bodyBytes += part.content().readableBytes();
        if (request != RequestState.READING) {
            ReferenceCountUtil.release(part);
            return;
        }
        if (part.decoderResult().isFailure()) {
            // The upstream must never take a cut-off body for a complete one.
            FullHttpResponse answer = HttpResponses.malformed(client.alloc(), part.decoderResult());
            ReferenceCountUtil.release(part);
            answerInPlace(answer, RequestOutcome.BAD_REQUEST);
            return;
        }
        if (bodyBytes > upstream.maxBodyBytes()) {
            ReferenceCountUtil.release(part);
            answerInPlace(ProxyResponses.tooLarge(client.alloc()), RequestOutcome.TOO_LARGE);
            return;
        }
        if (last) {
            ProxyHeaders.dropTrailers((LastHttpContent) part);
        }
        request = RequestState.WRITING;
        unflushedRequest = connection.channel().write(part);
    }

    /** The end of one read from the client: what was written to the upstream during it is flushed. */
    public void requestReadComplete() {
        flushRequest();
    }

    /** The client connection is gone (or the request's exchange abandoned): everything is let go. */
    public void abort() {
        request = RequestState.DROPPED;
        response = ResponseState.ANSWERED;
        dropUpstream();
    }

    // --- the upstream connection ------------------------------------------------------------------

    private void acquire() {
        Future<UpstreamConnection> pending = upstream.acquire(client.eventLoop());
        acquiring = pending;
        pending.addListener(done -> connected(pending));
    }

    private void connected(Future<UpstreamConnection> acquired) {
        if (acquiring != acquired) {
            return;
        }
        acquiring = null;
        if (acquired.isCancelled()) {
            return;
        }
        if (!acquired.isSuccess()) {
            if (response == ResponseState.AWAITING) {
                LOG.debug("cannot get an upstream connection", acquired.cause());
                answerInPlace(ProxyResponses.unavailable(client.alloc()), RequestOutcome.UPSTREAM_UNAVAILABLE);
            }
            return;
        }
        UpstreamConnection leased = acquired.getNow();
        if (response != ResponseState.AWAITING || request == RequestState.DROPPED) {
            // Answered or abandoned while connecting; nothing was sent on the connection.
            leased.release();
            return;
        }
        connection = leased;
        reusedConnection = leased.isReused();
        leased.lease(this);
        lastProgressNanos = System.nanoTime();
        unflushedRequest = leased.channel().write(head);
        if (request == RequestState.FORWARDED) {
            // A retry of a request whose (empty) body had already been read whole.
            request = RequestState.WRITING;
            unflushedRequest = leased.channel().write(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            request = RequestState.READING;
            client.readRequestBody();
        }
        if (!starting) {
            // Not inside a read of the client (the connection took a while): nothing else will flush.
            flushRequest();
        }
        leased.channel().read();
    }

    private void flushRequest() {
        ChannelFuture last = unflushedRequest;
        if (last == null || connection == null) {
            return;
        }
        unflushedRequest = null;
        connection.channel().flush();
        if (request == RequestState.WRITING) {
            last.addListener(partWritten);
        }
    }

    /** A body part is out: the next one is asked for, or the request is forwarded whole. */
    private void partWritten(ChannelFuture written) {
        // A failed write closes the upstream connection, and upstreamClosed() answers for it.
        if (!written.isSuccess() || request != RequestState.WRITING) {
            return;
        }
        lastProgressNanos = System.nanoTime();
        if (requestEnded) {
            request = RequestState.FORWARDED;
            releaseUpstreamIfDone();
        } else {
            request = RequestState.READING;
            client.readRequestBody();
        }
    }

    @Override
    public void responsePart(HttpObject part) {
        if (response == ResponseState.RELAYED || response == ResponseState.ANSWERED) {
            // More after a complete response: the connection is out of step and must not be reused.
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
        if (part instanceof HttpResponse head) {
            if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                response = ResponseState.INTERIM;
                return;
            }
            responseHead(head);
            return;
        }
        HttpContent content = (HttpContent) part;
        boolean last = content instanceof LastHttpContent;
        if (response == ResponseState.INTERIM) {
            if (last) {
                response = ResponseState.AWAITING;
            }
            ReferenceCountUtil.release(content);
            return;
        }
        unflushedResponse = client.responsePart(content);
        if (last) {
            responseRelayed();
        }
    }

    private void responseHead(HttpResponse head) {
        cancelTimeout();
        response = ResponseState.RELAYING;
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        metrics.upstreamResponse(head.status().code());
        ProxyHeaders.prepareResponse(head, clientVersion);
        client.responseHead(head);
    }

    private void responseRelayed() {
        response = ResponseState.RELAYED;
        unflushedResponse = null;
        client.flush();
        if (requestEnded) {
            releaseUpstreamIfDone();
        } else {
            // The upstream answered before taking the whole body: the client's handler reads and
            // drops the rest, and the connection, now out of step, is not reused.
            request = RequestState.DROPPED;
            dropUpstream();
        }
        client.responseEnded();
    }

    @Override
    public void responseReadComplete() {
        if (response == ResponseState.RELAYED || response == ResponseState.ANSWERED) {
            return;
        }
        ChannelFuture last = unflushedResponse;
        if (last == null) {
            // Nothing for the client in this read (half a head, an interim response): read on.
            if (connection != null) {
                connection.channel().read();
            }
            return;
        }
        unflushedResponse = null;
        client.flush();
        last.addListener(responseFlushed);
    }

    /** What was relayed of the response is out: the upstream is read again. */
    private void responseFlushed(ChannelFuture written) {
        // A failed write means the client connection is closing, which aborts this exchange.
        if (written.isSuccess() && connection != null && response == ResponseState.RELAYING) {
            connection.channel().read();
        }
    }

    @Override
    public void upstreamClosed() {
        connection = null;
        if (response == ResponseState.AWAITING && mayRetry()) {
            retried = true;
            LOG.debug("a reused upstream connection closed before answering; sending the request again");
            if (request != RequestState.FORWARDED) {
                request = RequestState.CONNECTING;
            }
            acquire();
            return;
        }
        upstreamFailed();
    }

    /**
     * Whether the request can go out again unchanged: an idempotent method, sent once on a reused
     * connection (not a fresh one, whose close means the upstream failed), and no body byte sent.
     */
    private boolean mayRetry() {
        return retryable && reusedConnection && !retried && bodyBytes == 0 && request != RequestState.DROPPED;
    }

    /** The upstream connection broke: answer 502 if nothing of the response was sent, else end the client's. */
    private void upstreamFailed() {
        if (response == ResponseState.RELAYED || response == ResponseState.ANSWERED) {
            return;
        }
        answerInPlace(ProxyResponses.unavailable(client.alloc()), RequestOutcome.UPSTREAM_UNAVAILABLE);
    }

    // --- the timeout -------------------------------------------------------------------------------

    /**
     * The timer runs from the last moment the upstream made progress: the request started, a
     * connection was leased, or a part of the body was taken. A slow upload therefore does not
     * count against the upstream's answer time; the wait for a free connection does. Called by the
     * {@link ResponseTimer} while this exchange waits for the response head.
     */
    @Override
    public long nanosUntilTimeout() {
        return upstream.responseTimeoutNanos() - (System.nanoTime() - lastProgressNanos);
    }

    /** The upstream made no progress for the timeout: {@code 504} in its place. */
    @Override
    public void timedOut() {
        if (response == ResponseState.AWAITING || response == ResponseState.INTERIM) {
            answerInPlace(ProxyResponses.timeout(client.alloc()), RequestOutcome.UPSTREAM_TIMEOUT);
        }
    }

    // --- endings ----------------------------------------------------------------------------------

    /**
     * The one way the gateway answers instead of the upstream: the upstream connection is dropped,
     * never reused, and the client gets {@code answer}; when part of the upstream's response is
     * already out, only closing the client connection can tell it the response is cut short. After
     * an upstream failure the client connection goes on; after a refused body it ends.
     */
    private void answerInPlace(FullHttpResponse answer, RequestOutcome outcome) {
        request = RequestState.DROPPED;
        dropUpstream();
        if (response == ResponseState.RELAYING) {
            ReferenceCountUtil.release(answer);
            response = ResponseState.ANSWERED;
            client.close();
            return;
        }
        response = ResponseState.ANSWERED;
        if (outcome == RequestOutcome.UPSTREAM_UNAVAILABLE || outcome == RequestOutcome.UPSTREAM_TIMEOUT) {
            metrics.upstreamResponse(answer.status().code());
            client.answer(answer, outcome);
        } else {
            // Too large or unreadable: the rest of the body is not worth reading.
            client.answerAndClose(answer, outcome);
        }
    }

    private void releaseUpstreamIfDone() {
        if (connection != null && response == ResponseState.RELAYED && request == RequestState.FORWARDED) {
            UpstreamConnection done = connection;
            connection = null;
            cancelTimeout();
            if (upstreamKeepAlive) {
                done.release();
            } else {
                done.close();
            }
        }
    }

    /** Closes the upstream connection, if any, gives up a connection still coming, stops the timer. */
    private void dropUpstream() {
        cancelTimeout();
        Future<UpstreamConnection> pending = acquiring;
        acquiring = null;
        if (pending != null) {
            pending.cancel(false);
        }
        unflushedRequest = null;
        if (connection != null) {
            UpstreamConnection dropped = connection;
            connection = null;
            dropped.close();
        }
    }

    private void cancelTimeout() {
        client.responseTimer().unwatch(this);
    }
}
