package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.HttpResponses;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

/**
 * {@code OPTIONS /v1/widget/**}: the CORS preflight, answered at the edge and never forwarded.
 * A preflight with a key was already decided (a denial never gets here); one served in report
 * mode is answered whatever its origin, with {@code Access-Control-Allow-Origin} only for one that
 * parses. One without a key is answered for any origin that parses, since the real request that
 * follows is checked.
 */
@Sharable
final class PreflightHandler extends ChannelInboundHandlerAdapter {

    static final AsciiString ALLOW_METHODS = AsciiString.cached("GET, POST, PUT, PATCH, DELETE");
    static final AsciiString ALLOW_HEADERS = AsciiString.cached("Content-Type, X-Widget-Key");
    static final AsciiString MAX_AGE = AsciiString.cached("600");
    static final AsciiString PREFLIGHT_VARY =
            AsciiString.cached("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest request) || Exchange.of(ctx.channel()).route() != GatewayRoute.PREFLIGHT) {
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(request);
        Exchange exchange = Exchange.of(ctx.channel());
        exchange.markAnswered();
        String origin = exchange.origin();
        boolean reported = exchange.allowed() != null && exchange.allowed().reported();
        if (reported) {
            answer(ctx, exchange, CorsResponseHeaders.mayReadTheAnswer(exchange) ? origin : null);
            return;
        }
        if (origin == null || origin.isEmpty()) {
            deny(ctx, exchange, DenialReason.ORIGIN_MISSING);
            return;
        }
        if (Origin.parseHeaderOrNull(origin) == null) {
            deny(ctx, exchange, DenialReason.ORIGIN_NOT_ALLOWED);
            return;
        }
        answer(ctx, exchange, origin);
    }

    /** The preflight answer; {@code allowOrigin} is the origin to allow, or {@code null} for none. */
    private static void answer(ChannelHandlerContext ctx, Exchange exchange, String allowOrigin) {
        exchange.outcome(RequestOutcome.PREFLIGHT);
        FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        HttpHeaders headers = response.headers();
        if (allowOrigin != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE)
                .set(HttpHeaderNames.VARY, PREFLIGHT_VARY);
        ctx.writeAndFlush(response);
    }

    private static void deny(ChannelHandlerContext ctx, Exchange exchange, DenialReason reason) {
        exchange.outcome(RequestOutcome.of(reason));
        ctx.writeAndFlush(Denials.response(ctx.alloc(), reason));
    }
}
