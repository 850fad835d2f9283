package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.HttpResponses;
import dev.widgetedge.server.RequestTarget;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * First gateway handler: starts an {@link Exchange} per request, answers malformed requests and
 * unknown paths, and serves a connection's requests one at a time. A pipelined request that
 * arrives before the previous response is written is held (and reading paused) until then, so the
 * handlers after this one only ever see one exchange, and responses leave in request order.
 *
 * <p>Body parts of a request that was already answered (a denial, a 404) are dropped here.
 * One instance per connection.
 */
final class RequestRouter extends ChannelDuplexHandler {

    private static final byte[] NOT_FOUND_BODY =
            GatewayResponses.errorBody("not_found", "There is nothing at this path.");

    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean responding;
    private boolean pausedReading;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || (responding && msg instanceof HttpRequest)) {
            held.add(msg);
            if (!pausedReading) {
                pausedReading = true;
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        route(ctx, msg);
    }

    private void route(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            startExchange(ctx, request);
            return;
        }
        Exchange exchange = Exchange.of(ctx.channel());
        if (exchange == null || exchange.answered()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void startExchange(ChannelHandlerContext ctx, HttpRequest request) {
        long started = System.nanoTime();
        responding = true;
        if (request.decoderResult().isFailure()) {
            Exchange exchange = Exchange.start(ctx.channel(), GatewayRoute.NOT_FOUND, null, started);
            exchange.markAnswered();
            exchange.outcome(RequestOutcome.BAD_REQUEST);
            HttpResponses.rejectMalformed(ctx, request.decoderResult());
            ReferenceCountUtil.release(request);
            return;
        }
        GatewayRoute route = Routes.classify(request.method(), RequestTarget.rawPath(request.uri()));
        Exchange exchange = Exchange.start(ctx.channel(), route, request.headers().get(HttpHeaderNames.ORIGIN), started);
        if (route == GatewayRoute.NOT_FOUND) {
            exchange.markAnswered();
            exchange.outcome(RequestOutcome.NOT_FOUND);
            ReferenceCountUtil.release(request);
            // Written from here, the response does not pass this handler's write(): finish by hand.
            ctx.writeAndFlush(GatewayResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, NOT_FOUND_BODY))
                    .addListener((ChannelFutureListener) written -> responseComplete(ctx));
            return;
        }
        ctx.fireChannelRead(request);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof LastHttpContent) {
            promise.addListener((ChannelFutureListener) written -> responseComplete(ctx));
        }
        super.write(ctx, msg, promise);
    }

    /** The current response is written: the next held request may start. */
    private void responseComplete(ChannelHandlerContext ctx) {
        responding = false;
        // Resume reading before replaying: a replayed request's handler may pause it again
        // (the proxy reads a body at the upstream's pace), and must not be overridden after.
        if (pausedReading) {
            pausedReading = false;
            ctx.channel().config().setAutoRead(true);
        }
        while (!held.isEmpty() && !responding) {
            route(ctx, held.poll());
        }
        if (!held.isEmpty()) {
            // Another request is waiting behind the one just started; its body is complete.
            pausedReading = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.channelInactive(ctx);
    }

    private void releaseHeld() {
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
    }
}
