package dev.widgetedge.admin;

import dev.widgetedge.server.HttpResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Aggregates request bodies of at most {@link #MAX_BODY_BYTES} and answers anything larger with
 * {@code 413} and a sentence saying so. The connection is closed after a 413: the rest of the
 * oversized body is never read.
 */
final class BodyLimit extends HttpObjectAggregator {

    /** 64 KiB, the admin API's body limit. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final AdminMetrics metrics;

    BodyLimit(AdminMetrics metrics) {
        super(MAX_BODY_BYTES);
        this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (oversized instanceof HttpRequest request) {
            AdminRoute route = AdminRoute.match(new QueryStringDecoder(request.uri()).rawPath()).route();
            metrics.record(route, request.method().name(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(), 0);
        }
        FullHttpResponse response = HttpResponses.text(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "Request body too large: the limit is " + MAX_BODY_BYTES + " bytes");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
