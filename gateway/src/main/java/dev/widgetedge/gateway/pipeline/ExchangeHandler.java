package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.client.ClientAddressResolver;
import dev.widgetedge.gateway.client.ProxyProtocolHandler;
import dev.widgetedge.gateway.limit.RateLimiter;
import dev.widgetedge.gateway.limit.Refusal;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.gateway.pipeline.Responder.Answer;
import dev.widgetedge.gateway.proxy.Proxy;
import dev.widgetedge.gateway.proxy.ProxyClient;
import dev.widgetedge.gateway.proxy.ProxyExchange;
import dev.widgetedge.gateway.proxy.ResponseTimer;
import dev.widgetedge.server.HttpResponses;
import dev.widgetedge.server.LingeringClose;
import dev.widgetedge.server.RefusedRequestException;
import dev.widgetedge.server.RequestHeads;
import dev.widgetedge.server.RequestTarget;
import dev.widgetedge.server.ThrottledLog;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Iterator;
import java.util.StringJoiner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection's request lifecycle, one request at a time, as one state machine
 * ({@link State}). This is what the gateway does with a request, top to bottom:
 *
 * <ol>
 *   <li><b>Head.</b> The {@link io.netty.handler.flow.FlowControlHandler} in front hands over one
 *       message per read, and this handler is the only one that asks for reads: it asks for the
 *       next request head only when the previous exchange is over (its response written, its body
 *       read). A request that did not decode, or whose head breaks a rule ({@link RequestHeads}:
 *       target, {@code Host}, version, {@code Transfer-Encoding}), is refused and the connection
 *       closed. Otherwise an {@link Exchange} is made and passed explicitly from here on.</li>
 *   <li><b>Route.</b> {@link Routes#classify}: the loader ({@link ScriptResponder}) and unknown
 *       paths (404) are answered at once; the other routes are decided first.</li>
 *   <li><b>Client address.</b> The connection's peer (the TCP peer, or the source of its PROXY
 *       protocol header, {@link ProxyProtocolHandler.ProxiedPeer}), or behind a trusted proxy what
 *       its {@code X-Forwarded-For} vouches for ({@link ClientAddressResolver}), on the exchange.</li>
 *   <li><b>Miss limit.</b> An address over its miss limit is refused {@code 429} before anything is
 *       looked up ({@link RateLimiter#refuseMiss}).</li>
 *   <li><b>Decision.</b> The key (the {@code key} query parameter, or {@code X-Widget-Key} on
 *       proxied routes) and the {@code Origin}, through {@link Decisions}. A decision that needs no
 *       store read is applied in place, without a task or a pause; one that waits for the store
 *       leaves the connection unread until it is back on the event loop. A denial is answered
 *       ({@link Denials}), a missing, invalid or unknown key counted as a miss; a keyless
 *       preflight needs no decision.</li>
 *   <li><b>Rate limits.</b> An allowed bootstrap or proxied request counts against its key's
 *       per-client and per-key limits ({@link RateLimiter#admit}); over one, {@code 429}
 *       ({@link RateLimitResponses}) with the allowed origin's CORS headers. One refused only by
 *       the cap of what other gateways cannot know yet waits for the next sharing round instead,
 *       unread like a decision that waits for the store, and is asked again.</li>
 *   <li><b>Answer.</b> Allowed: the bootstrap ({@link BootstrapResponder}), the preflight
 *       ({@link PreflightResponder}), or the proxy ({@link ProxyExchange}, which asks for the body
 *       part by part and writes the upstream's response through a {@link ProxyClient}); 404 when no
 *       upstream is configured. Every final response gets the {@link ResponseDecorator} (CORS and
 *       caching headers, metrics, access log) as its head is written.</li>
 *   <li><b>Rest of the body.</b> A request answered before its body ended (a denial, an early
 *       upstream answer) has the rest read and dropped, up to the proxy's body limit; then the
 *       next head is read.</li>
 * </ol>
 *
 * <p>Responses are written, not flushed, as they are made; the end of each read batch flushes
 * them, so pipelined requests answered from the cache leave in one write. Answers made outside a
 * read (after a store read, by the proxy) are flushed at once.
 *
 * <p>Every exception on the path reaches the pipeline's tail ({@code ConnectionErrors}), which
 * closes the connection. One instance per connection, confined to its event loop.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);
    private static final ThrottledLog DECISION_FAILURES = new ThrottledLog(LOG, Duration.ofSeconds(60));
    private static final AsciiString X_WIDGET_KEY = AsciiString.cached("x-widget-key");
    private static final byte[] NOT_FOUND = GatewayResponses.errorBody("not_found", "There is nothing at this path.");
    private static final byte[] NO_UPSTREAM = GatewayResponses.errorBody("not_found", "No widget backend is configured.");
    private static final ClosedChannelException EXCHANGE_OVER = new ClosedChannelException();
    /** The peer of a transport without addresses (an embedded channel in tests): counted as one client. */
    private static final InetAddress UNKNOWN_PEER = InetAddress.getLoopbackAddress();

    /** Where the connection's current request stands. */
    private enum State {
        /** Waiting for the next request head; reading is asked for. */
        AWAITING_HEAD,
        /** The decision waits for the store; nothing is read meanwhile. */
        DECIDING,
        /** The proxy owns the request: it asks for the body and writes the response. */
        PROXYING,
        /** Answered before its body ended: the rest is read and dropped. */
        DRAINING,
        /** A last answer went out with {@code Connection: close}, or the connection closed. */
        CLOSED
    }

    private final GatewayParts parts;
    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_HEAD;
    /** The current request; {@code null} between requests. */
    private Exchange exchange;
    private ProxyExchange proxied;
    private boolean requestEnded;
    /** The codec could not decode part of the body: the byte stream cannot be trusted any more. */
    private boolean requestBroken;
    private boolean proxyWantsBody;
    private long drainedBytes;
    /** A read was asked for and no message has answered it yet. */
    private boolean readPending;
    /** Inside the handling of a message: a read asked for now is issued once it is handled. */
    private boolean handling;
    private boolean unflushed;
    /** The proxied exchanges' upstream timeout, made with the first one. */
    private ResponseTimer responseTimer;
    /** The connection's peer, once known: the TCP peer, or the PROXY protocol header's source. */
    private ClientAddress peer;
    /** The current request waits, or waited, for sharing rounds because only the cap refused it; since when. */
    private boolean capWaiting;
    private long capWaitStartedNanos;

    ExchangeHandler(GatewayParts parts) {
        this.parts = parts;
    }

    // --- reading: the one place that asks for messages --------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        if (context.channel().isActive()) {
            demand();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        demand();
        super.channelActive(context);
    }

    /** The PROXY protocol handler in front names the connection's peer before its first request. */
    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof ProxyProtocolHandler.ProxiedPeer proxied) {
            peer = parts.clients().peer(proxied.address());
            return;
        }
        super.userEventTriggered(context, event);
    }

    /** Whether the current state takes another message now. */
    private boolean wantsMessage() {
        return switch (state) {
            case AWAITING_HEAD, DRAINING -> true;
            case PROXYING -> proxyWantsBody;
            case DECIDING, CLOSED -> false;
        };
    }

    /**
     * Asks for one message if the state wants one and none is asked for already. A message the
     * flow-control handler holds comes at once, inside this call: the loop then asks again, so that
     * a deep pipeline is worked through iteratively rather than by recursion.
     */
    private void demand() {
        if (handling) {
            return;
        }
        while (!readPending && wantsMessage() && ctx.channel().isActive()) {
            readPending = true;
            handling = true;
            try {
                ctx.read();
            } finally {
                handling = false;
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        readPending = false;
        boolean nested = handling;
        handling = true;
        try {
            handle(msg);
        } finally {
            handling = nested;
        }
        if (!nested) {
            demand();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        // The flow-control handler forgets an unanswered read at the end of a read batch.
        readPending = false;
        if (proxied != null && state == State.PROXYING) {
            proxied.requestReadComplete();
        }
        flush();
        demand();
    }

    private void flush() {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    // --- the request ------------------------------------------------------------------------------

    private void handle(Object msg) {
        if (msg instanceof HttpRequest head) {
            onHead(head);
        } else if (msg instanceof HttpContent part) {
            onBodyPart(part);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest head) {
        if (state != State.AWAITING_HEAD) {
            // Only asked for between exchanges; anything else is a bug, and the stream is lost.
            ReferenceCountUtil.release(head);
            throw new IllegalStateException("a request head arrived while the connection was " + state);
        }
        long started = System.nanoTime();
        requestEnded = false;
        requestBroken = false;
        drainedBytes = 0;
        capWaiting = false;
        if (head.decoderResult().isFailure()) {
            refuse(HttpResponses.malformed(ctx.alloc(), head.decoderResult()), started);
            return;
        }
        RequestTarget target;
        try {
            target = RequestHeads.check(head);
        } catch (RefusedRequestException refused) {
            refuse(HttpResponses.refusal(ctx.alloc(), refused), started);
            return;
        }
        GatewayRoute route = Routes.classify(head.method(), target.path());
        ClientAddress client = parts.clients().resolve(peer(), head.headers());
        exchange = new Exchange(route, originOf(head), head.method().name(), target, client, started);
        switch (route) {
            case NOT_FOUND -> answer(notFound(NOT_FOUND));
            case SCRIPT -> answer(parts.script().respond(exchange, head, ctx.alloc()));
            default -> decide(head);
        }
    }

    /** A request refused unread ({@code 400} and the like): the byte stream is not trusted further. */
    private void refuse(FullHttpResponse response, long started) {
        exchange = Exchange.refused(peer(), started);
        parts.decorator().decorate(exchange, response, RequestOutcome.BAD_REQUEST);
        closeAfter(response);
    }

    private void onBodyPart(HttpContent part) {
        boolean last = part instanceof LastHttpContent;
        if (part.decoderResult().isFailure()) {
            requestBroken = true;
        }
        switch (state) {
            case PROXYING -> {
                requestEnded |= last;
                proxyWantsBody = false;
                proxied.requestPart(part);
            }
            case DRAINING -> drain(part, last);
            default -> ReferenceCountUtil.release(part);
        }
    }

    /** The rest of a body already answered: dropped, up to the body limit; a broken one ends the connection. */
    private void drain(HttpContent part, boolean last) {
        drainedBytes += part.content().readableBytes();
        ReferenceCountUtil.release(part);
        if (requestBroken || drainedBytes > parts.maxBodyBytes()) {
            state = State.CLOSED;
            flush();
            ctx.close();
            return;
        }
        if (last) {
            requestEnded = true;
            exchangeOver();
        }
    }

    // --- the decision -----------------------------------------------------------------------------

    private void decide(HttpRequest head) {
        Refusal overMisses = parts.limits().refuseMiss(exchange.client());
        if (overMisses != null) {
            // Before any lookup: which key this is would take the lookup the limit saves.
            answer(rateLimited(overMisses, false));
            return;
        }
        String key = keyOf(head, exchange);
        if (key == null && exchange.route() == GatewayRoute.PREFLIGHT) {
            // A keyless preflight is answered for any origin that parses; the real request is checked.
            answer(parts.preflight().respond(exchange, head, ctx.alloc()));
            return;
        }
        Decision decision = parts.decisions().decideCached(key, exchange.origin());
        if (decision == null) {
            CompletableFuture<Decision> pending = parts.decisions().decide(key, exchange.origin()).toCompletableFuture();
            if (!pending.isDone()) {
                await(pending, head);
                return;
            }
            decision = decisionOf(pending);
        }
        apply(head, decision);
    }

    /**
     * Waits for a store read off the event loop: nothing is read meanwhile (the request's body, if
     * any, stays with the flow-control handler and the socket). Answers written before go out now
     * rather than wait. The decision, or its failure, comes back as a task on the event loop; if the
     * loop no longer takes tasks (shutting down), the connection is closed.
     */
    private void await(CompletableFuture<Decision> pending, HttpRequest head) {
        state = State.DECIDING;
        flush();
        Exchange waiting = exchange;
        pending.whenComplete((decision, error) -> {
            try {
                ctx.executor().execute(() -> decided(waiting, head, decision, error));
            } catch (RejectedExecutionException shuttingDown) {
                ctx.channel().close();
            }
        });
    }

    private void decided(Exchange waiting, HttpRequest head, Decision decision, Throwable error) {
        if (state != State.DECIDING || exchange != waiting) {
            // The connection closed while the store answered.
            return;
        }
        apply(head, error == null ? decision : failed(error));
        if (state == State.PROXYING) {
            // Not inside a read of the client: what the proxy wrote to the upstream goes out now.
            proxied.requestReadComplete();
        }
        flush();
        demand();
    }

    /** The decision of a stage already complete; a failed one is a decision that could not be made. */
    private static Decision decisionOf(CompletableFuture<Decision> done) {
        try {
            return done.join();
        } catch (CompletionException | CancellationException e) {
            return failed(e.getCause() == null ? e : e.getCause());
        }
    }

    /**
     * A decision that failed (a fault of the decide path, not an answer of the store) fails closed,
     * as a store outage does: {@code 503} with {@code Retry-After}.
     */
    private static Decision failed(Throwable error) {
        DECISION_FAILURES.warn("a decision failed unexpectedly; answered 503", error.toString());
        return Decision.Denied.of(DenialReason.STORE_UNAVAILABLE);
    }

    private void apply(HttpRequest head, Decision decision) {
        if (!(decision instanceof Decision.Allowed allowed)) {
            DenialReason reason = ((Decision.Denied) decision).reason();
            if (reason.isMiss()) {
                parts.limits().countMiss(exchange.client());
            }
            answer(new Answer(Denials.response(ctx.alloc(), reason), RequestOutcome.of(reason)));
            return;
        }
        exchange.allow(allowed);
        if (exchange.route() != GatewayRoute.PREFLIGHT) {
            // A preflight is not counted: the request it clears the way for is.
            boolean mayWait = !capWaiting
                    || System.nanoTime() - capWaitStartedNanos < parts.limits().capWait().toNanos();
            Refusal overLimit = parts.limits().admit(allowed, exchange.client(), mayWait);
            if (overLimit != null) {
                if (overLimit.capped() && mayWait) {
                    awaitRound(head, allowed);
                    return;
                }
                parts.decisions().rateLimited(allowed, exchange.origin());
                answer(rateLimited(overLimit, ResponseDecorator.mayReadTheAnswer(exchange)));
                return;
            }
        }
        switch (exchange.route()) {
            case BOOTSTRAP -> answer(parts.bootstrap().respond(exchange, head, ctx.alloc()));
            case PREFLIGHT -> answer(parts.preflight().respond(exchange, head, ctx.alloc()));
            default -> proxy(head);
        }
    }

    /**
     * Refused only by the cap (the window has room, but this gateway's requests that no round has
     * reported back yet are as many as it may hold): waits for the next sharing round, a store round
     * trip, as a store read is waited for, and asks again; for a while at most ({@code capWait}),
     * then the refusal stands.
     */
    private void awaitRound(HttpRequest head, Decision.Allowed allowed) {
        if (!capWaiting) {
            capWaiting = true;
            capWaitStartedNanos = System.nanoTime();
        }
        await(parts.limits().nextRound().<Decision>thenApply(round -> allowed), head);
    }

    // --- answers ----------------------------------------------------------------------------------

    private Answer rateLimited(Refusal refusal, boolean exposeHeaders) {
        return new Answer(RateLimitResponses.response(ctx.alloc(), refusal, exposeHeaders), RequestOutcome.RATE_LIMITED);
    }

    private Answer notFound(byte[] body) {
        return new Answer(GatewayResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, body),
                RequestOutcome.NOT_FOUND);
    }

    /** Writes the complete answer to the current exchange, unflushed; the body, if any, is read and dropped. */
    private void answer(Answer answer) {
        parts.decorator().decorate(exchange, answer.response(), answer.outcome());
        ctx.write(answer.response());
        unflushed = true;
        responseEnded();
    }

    /** Sends a last answer and ends the connection without a reset ({@link LingeringClose}). */
    private void closeAfter(FullHttpResponse response) {
        state = State.CLOSED;
        flush();
        LingeringClose.send(ctx, response);
    }

    private void responseEnded() {
        if (requestEnded) {
            exchangeOver();
        } else {
            state = State.DRAINING;
        }
    }

    /** The response is written and the request read: the next head may come. */
    private void exchangeOver() {
        state = State.AWAITING_HEAD;
        exchange = null;
        proxied = null;
    }

    // --- the proxy --------------------------------------------------------------------------------

    private void proxy(HttpRequest head) {
        Proxy proxy = parts.proxy();
        if (proxy == null) {
            answer(notFound(NO_UPSTREAM));
            return;
        }
        state = State.PROXYING;
        proxyWantsBody = false;
        proxied = proxy.exchange(new ProxiedClient(exchange), head, exchange.target(), exchange.allowed(),
                exchange.client());
        proxied.start();
    }

    /** The client side of one proxied exchange; inert once that exchange is no longer the current one. */
    private final class ProxiedClient implements ProxyClient {

        private final Exchange owner;

        ProxiedClient(Exchange owner) {
            this.owner = owner;
        }

        private boolean current() {
            return exchange == owner && state == State.PROXYING;
        }

        @Override
        public EventLoop eventLoop() {
            return ctx.channel().eventLoop();
        }

        @Override
        public ByteBufAllocator alloc() {
            return ctx.alloc();
        }

        @Override
        public ResponseTimer responseTimer() {
            if (responseTimer == null) {
                responseTimer = new ResponseTimer(ctx.executor());
            }
            return responseTimer;
        }

        @Override
        public void readRequestBody() {
            if (current() && !requestEnded) {
                proxyWantsBody = true;
                demand();
            }
        }

        @Override
        public void responseHead(HttpResponse head) {
            if (!current()) {
                ReferenceCountUtil.release(head);
                return;
            }
            parts.decorator().decorate(owner, head, owner.servedOutcome());
            ctx.write(head);
        }

        @Override
        public ChannelFuture responsePart(HttpContent part) {
            if (!current()) {
                ReferenceCountUtil.release(part);
                return ctx.newFailedFuture(EXCHANGE_OVER);
            }
            return ctx.write(part);
        }

        @Override
        public void responseEnded() {
            if (current()) {
                ExchangeHandler.this.responseEnded();
                demand();
            }
        }

        @Override
        public void flush() {
            ctx.flush();
        }

        @Override
        public void answer(FullHttpResponse response, RequestOutcome outcome) {
            // A body the codec could not decode leaves nothing after it that can be read.
            answerInPlace(response, outcome, requestBroken);
        }

        @Override
        public void answerAndClose(FullHttpResponse response, RequestOutcome outcome) {
            answerInPlace(response, outcome, true);
        }

        private void answerInPlace(FullHttpResponse response, RequestOutcome outcome, boolean endConnection) {
            if (!current()) {
                ReferenceCountUtil.release(response);
                return;
            }
            parts.decorator().decorate(owner, response, outcome);
            if (endConnection) {
                closeAfter(response);
                return;
            }
            ctx.writeAndFlush(response);
            ExchangeHandler.this.responseEnded();
            demand();
        }

        @Override
        public void close() {
            if (exchange == owner) {
                state = State.CLOSED;
                ctx.close();
            }
        }
    }

    // --- the connection's end ---------------------------------------------------------------------

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        abandon();
        super.channelInactive(context);
    }

    /** Removed before the connection closed: a lingering close took the pipeline over. */
    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        abandon();
    }

    private void abandon() {
        state = State.CLOSED;
        if (proxied != null) {
            ProxyExchange abandoned = proxied;
            proxied = null;
            abandoned.abort();
        }
        if (responseTimer != null) {
            responseTimer.cancel();
        }
    }

    // --- request facts ----------------------------------------------------------------------------

    /**
     * The {@code Origin} header; several are joined into a value that is not an origin, since an
     * origin with several values never matches.
     */
    private static String originOf(HttpRequest head) {
        Iterator<String> values = head.headers().valueStringIterator(HttpHeaderNames.ORIGIN);
        if (!values.hasNext()) {
            return null;
        }
        String first = values.next();
        if (!values.hasNext()) {
            return first;
        }
        StringJoiner joined = new StringJoiner(", ").add(first);
        values.forEachRemaining(joined::add);
        return joined.toString();
    }

    /** The key: the {@code key} parameter, or on proxied routes a single {@code X-Widget-Key}. */
    private static String keyOf(HttpRequest head, Exchange exchange) {
        String key = KeyParameter.of(exchange.target());
        if (key == null && exchange.route() == GatewayRoute.PROXY) {
            Iterator<String> headers = head.headers().valueStringIterator(X_WIDGET_KEY);
            if (headers.hasNext()) {
                key = headers.next();
                if (headers.hasNext()) {
                    key = KeyParameter.NOT_A_KEY;
                }
            }
        }
        return key;
    }

    /** The connection's peer: the PROXY header's source when one named it, else the TCP peer. */
    private ClientAddress peer() {
        if (peer == null) {
            SocketAddress remote = ctx.channel().remoteAddress();
            InetAddress address = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                    ? inet.getAddress() : UNKNOWN_PEER;
            peer = parts.clients().peer(address);
        }
        return peer;
    }
}
