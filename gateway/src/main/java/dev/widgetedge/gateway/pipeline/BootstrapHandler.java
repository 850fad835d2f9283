package dev.widgetedge.gateway.pipeline;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.HttpResponses;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v1/widget/bootstrap} once allowed: {@code 200} with
 * {@code {"key_id", "account_id", "agent_id"}}. CORS and caching headers are added on the way out.
 */
@Sharable
final class BootstrapHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest request) || Exchange.of(ctx.channel()).route() != GatewayRoute.BOOTSTRAP) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean head = request.method().equals(HttpMethod.HEAD);
        ReferenceCountUtil.release(request);
        Exchange exchange = Exchange.of(ctx.channel());
        exchange.markAnswered();
        exchange.outcome(RequestOutcome.ALLOWED);
        byte[] body = body(exchange.allowed());
        FullHttpResponse response = HttpResponses.of(ctx.alloc(), HttpResponseStatus.OK,
                HttpResponses.APPLICATION_JSON, head ? new byte[0] : body);
        if (head) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        ctx.writeAndFlush(response);
    }

    /** The bootstrap JSON of an allowed decision. */
    static byte[] body(Decision.Allowed allowed) {
        JsonStringEncoder json = JsonStringEncoder.getInstance();
        StringBuilder out = new StringBuilder(160)
                .append("{\"key_id\":\"").append(allowed.keyId())
                .append("\",\"account_id\":\"").append(json.quoteAsString(allowed.accountId()))
                .append("\",\"agent_id\":");
        if (allowed.agentId() == null) {
            out.append("null");
        } else {
            out.append('"').append(json.quoteAsString(allowed.agentId())).append('"');
        }
        return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
