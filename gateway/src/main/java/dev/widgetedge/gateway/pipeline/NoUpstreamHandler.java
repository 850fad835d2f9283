package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/** Stands in for the proxy when no {@code --upstream} is configured: an allowed request gets 404. */
@Sharable
final class NoUpstreamHandler extends ChannelInboundHandlerAdapter {

    private static final byte[] BODY = GatewayResponses.errorBody("not_found", "No widget backend is configured.");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        if (!(msg instanceof HttpRequest)) {
            return;
        }
        Exchange exchange = Exchange.of(ctx.channel());
        exchange.markAnswered();
        exchange.outcome(RequestOutcome.NOT_FOUND);
        ctx.writeAndFlush(GatewayResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, BODY));
    }
}
