package dev.widgetedge.admin;

import dev.widgetedge.server.HttpResponses;
import dev.widgetedge.server.LingeringClose;
import dev.widgetedge.server.ResponseOrder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.CompletableFuture;

/**
 * Aggregates request bodies of at most {@link #MAX_BODY_BYTES} and answers anything larger with
 * {@code 413} and a sentence naming the limit. When the body is already on its way, the
 * connection is closed after the answer ({@link LingeringClose}: the rest is read and dropped
 * briefly, so the client sees the 413 instead of a reset); when the client sent
 * {@code Expect: 100-continue}, it gets the 413 instead of the go-ahead and may keep the connection.
 *
 * <p>The 413 takes its turn behind the requests read before it ({@link ResponseOrder}), like every
 * other answer: a pipelined oversized request must not overtake an earlier one still waiting for
 * the store.
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
        record(oversized);
        // A client that waits for the go-ahead has sent no body: the connection can stay.
        boolean bodyHeldBack = HttpUtil.is100ContinueExpected(oversized);
        ResponseOrder.enqueue(ctx.channel(), () -> {
            if (bodyHeldBack) {
                return ResponseOrder.completion(ctx.writeAndFlush(tooLarge(ctx.alloc())));
            }
            LingeringClose.send(ctx, tooLarge(ctx.alloc()));
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * An oversized request that expects {@code 100 Continue} gets no interim answer here: the
     * aggregator then refuses it through {@link #handleOversizedMessage}, in request order (the
     * aggregator would write its own refusal at once, ahead of earlier answers).
     */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
            return null;
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    private void record(HttpMessage oversized) {
        if (oversized instanceof HttpRequest request) {
            AdminRoute route = AdminRoute.routeOf(request.uri());
            metrics.record(route, request.method().name(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(), 0);
        }
    }

    private static FullHttpResponse tooLarge(ByteBufAllocator allocator) {
        FullHttpResponse response = HttpResponses.text(allocator, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "Request body too large: the limit is " + MAX_BODY_BYTES + " bytes");
        CommonHeaders.addTo(response.headers());
        return response;
    }
}
