package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.HttpResponses;
import dev.widgetedge.server.ReadPauses;
import dev.widgetedge.server.RefusedRequestException;
import dev.widgetedge.server.RequestHeads;
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
import java.util.List;

/**
 * First gateway handler: starts an {@link Exchange} per request, answers malformed and refused
 * requests ({@link RequestHeads}) and unknown paths, and serves a connection's requests one at a time. A pipelined request that
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
                ReadPauses.pause(ctx.channel(), this);
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
            refuse(ctx, request, started);
            HttpResponses.rejectMalformed(ctx, request.decoderResult());
            return;
        }
        RequestTarget target;
        try {
            target = RequestHeads.check(request);
        } catch (RefusedRequestException refused) {
            refuse(ctx, request, started);
            HttpResponses.reject(ctx, refused);
            return;
        }
        GatewayRoute route = Routes.classify(request.method(), target.path());
        Exchange exchange = Exchange.start(ctx.channel(), route, originOf(request), started);
        exchange.describe(request.method().name(), target);
        if (route == GatewayRoute.NOT_FOUND) {
            exchange.markAnswered();
            exchange.outcome(RequestOutcome.NOT_FOUND);
            ReferenceCountUtil.release(request);
            // Written from here, the response does not pass this handler's write(): finish by hand.
            ctx.writeAndFlush(GatewayResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, NOT_FOUND_BODY))
                    .addListener((ChannelFutureListener) written -> onResponseWritten(ctx));
            return;
        }
        ctx.fireChannelRead(request);
    }

    /** A request answered 400 (or 501, 505) and the connection closed: nothing of it goes further. */
    private static void refuse(ChannelHandlerContext ctx, HttpRequest request, long started) {
        Exchange exchange = Exchange.start(ctx.channel(), GatewayRoute.NOT_FOUND, null, started);
        exchange.markAnswered();
        exchange.outcome(RequestOutcome.BAD_REQUEST);
        ReferenceCountUtil.release(request);
    }

    /**
     * The {@code Origin} header; several are joined into a value that is not an origin, since
     * an Origin with several values never matches (docs/origins.md).
     */
    private static String originOf(HttpRequest request) {
        List<String> values = request.headers().getAll(HttpHeaderNames.ORIGIN);
        return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(", ", values);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof LastHttpContent) {
            promise.addListener((ChannelFutureListener) written -> onResponseWritten(ctx));
        }
        super.write(ctx, msg, promise);
    }

    /**
     * The current response is written. With nothing held, the exchange just ends. Otherwise the
     * next request starts in a task of its own: a write can complete inside the handler that made
     * it, which may still be passing on the parts of its own request, and starting the next
     * request there would hand it those parts.
     */
    private void onResponseWritten(ChannelHandlerContext ctx) {
        if (held.isEmpty() && !pausedReading) {
            // Nothing waits to start: finishing now cannot hand anyone else's parts to a new request.
            responding = false;
            return;
        }
        ctx.executor().execute(() -> responseComplete(ctx));
    }

    /** The current response is written: the next held request may start. */
    private void responseComplete(ChannelHandlerContext ctx) {
        responding = false;
        // Resume reading before replaying: a replayed request's handler may pause it again
        // (the proxy reads a body at the upstream's pace), and must not be overridden after.
        if (pausedReading) {
            pausedReading = false;
            ReadPauses.resume(ctx.channel(), this);
        }
        while (!held.isEmpty() && !responding) {
            route(ctx, held.poll());
        }
        // The started request's own body parts go with it.
        while (!held.isEmpty() && !(held.peek() instanceof HttpRequest)) {
            route(ctx, held.poll());
        }
        if (!held.isEmpty()) {
            // Another request waits behind the one just started, whose body has been read whole.
            pausedReading = true;
            ReadPauses.pause(ctx.channel(), this);
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
