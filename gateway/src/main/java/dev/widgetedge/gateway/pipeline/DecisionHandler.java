package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.ReadPauses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Decides bootstrap, proxied and keyed preflight requests: reads the key (the {@code key} query
 * parameter, or for proxied requests the {@code X-Widget-Key} header) and the {@code Origin},
 * asks the {@link KeyDecider}, and answers a denial itself. An allowed request goes on with the
 * decision recorded in its {@link Exchange}.
 *
 * <p>A cached decision is immediate. On a miss the request waits for the store without blocking
 * the event loop: reading pauses, body parts that already arrived are held, and everything is
 * passed on (or dropped) once the decision is in. One instance per connection.
 */
final class DecisionHandler extends ChannelInboundHandlerAdapter {

    static final AsciiString X_WIDGET_KEY = AsciiString.cached("x-widget-key");

    private final KeyDecider decider;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private boolean deciding;

    DecisionHandler(KeyDecider decider) {
        this.decider = decider;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (deciding) {
            waiting.add(msg);
            return;
        }
        Exchange exchange = Exchange.of(ctx.channel());
        if (!(msg instanceof HttpRequest request)) {
            // Body parts: dropped if this handler denied their request, passed on otherwise.
            if (exchange.answered()) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
            return;
        }
        if (exchange.route() == GatewayRoute.SCRIPT) {
            ctx.fireChannelRead(request);
            return;
        }
        String key = keyOf(request, exchange);
        if (key == null && exchange.route() == GatewayRoute.PREFLIGHT) {
            // Without a key, a preflight is answered for any origin that parses; the real
            // request that follows is checked.
            ctx.fireChannelRead(request);
            return;
        }
        Decision decision = decider.decideCached(key, exchange.origin());
        if (decision != null) {
            apply(ctx, exchange, request, decision);
            return;
        }
        CompletableFuture<Decision> pending = decider.decide(key, exchange.origin()).toCompletableFuture();
        if (pending.isDone()) {
            // Decided without a store read (a key the existence filter rules out, say).
            apply(ctx, exchange, request, pending.join());
            return;
        }
        deciding = true;
        ReadPauses.pause(ctx.channel(), this);
        pending.thenAccept(decided -> ctx.executor().execute(() -> {
            deciding = false;
            // Resume reading before passing the request on: the proxy may pause it again to
            // read the body at the upstream's pace, and that must not be overridden afterwards.
            ReadPauses.resume(ctx.channel(), this);
            apply(ctx, exchange, request, decided);
            while (!waiting.isEmpty() && !deciding) {
                channelRead(ctx, waiting.poll());
            }
        }));
    }

    private static String keyOf(HttpRequest request, Exchange exchange) {
        String key = KeyParameter.of(exchange.target());
        if (key == null && exchange.route() == GatewayRoute.PROXY) {
            List<String> headers = request.headers().getAll(X_WIDGET_KEY);
            key = headers.isEmpty() ? null : headers.size() == 1 ? headers.get(0) : KeyParameter.NOT_A_KEY;
        }
        return key;
    }

    private void apply(ChannelHandlerContext ctx, Exchange exchange, HttpRequest request, Decision decision) {
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(request);
            return;
        }
        if (decision instanceof Decision.Allowed allowed) {
            exchange.allow(allowed);
            ctx.fireChannelRead(request);
            return;
        }
        Decision.Denied denied = (Decision.Denied) decision;
        exchange.markAnswered();
        exchange.outcome(RequestOutcome.of(denied.reason()));
        ReferenceCountUtil.release(request);
        ctx.writeAndFlush(Denials.response(ctx.alloc(), denied.reason()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseWaiting();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    private void releaseWaiting() {
        while (!waiting.isEmpty()) {
            ReferenceCountUtil.release(waiting.poll());
        }
    }
}
