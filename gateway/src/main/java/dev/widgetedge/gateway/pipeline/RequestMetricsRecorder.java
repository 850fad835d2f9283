package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Counts every answered request by outcome and times it to its response head, as the response
 * head leaves. Informational ({@code 1xx}) responses are not answers and are not counted.
 */
@Sharable
final class RequestMetricsRecorder extends ChannelOutboundHandlerAdapter {

    private final GatewayMetrics metrics;

    RequestMetricsRecorder(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            Exchange exchange = Exchange.of(ctx.channel());
            if (exchange != null && exchange.outcome() != null) {
                metrics.request(exchange.outcome(), System.nanoTime() - exchange.startedNanos());
            }
        }
        super.write(ctx, msg, promise);
    }
}
