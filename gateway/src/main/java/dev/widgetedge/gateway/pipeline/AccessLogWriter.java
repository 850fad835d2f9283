package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.server.AccessLog;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes the access log line of every answered request as its response head leaves (when
 * {@code --access-log} is on): method, path without query, status, outcome, time to the response
 * head, client, and the key's id when the request was allowed. Never the key itself.
 */
@Sharable
final class AccessLogWriter extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL
                && AccessLog.enabled()) {
            Exchange exchange = Exchange.of(ctx.channel());
            if (exchange != null) {
                LoggingEventBuilder line = AccessLog.line("gateway", exchange.method(), exchange.path(),
                        response.status().code(), System.nanoTime() - exchange.startedNanos(),
                        ctx.channel().remoteAddress());
                if (exchange.outcome() != null) {
                    line = line.addKeyValue("outcome", exchange.outcome().label());
                }
                if (exchange.allowed() != null) {
                    line = line.addKeyValue("key_id", exchange.allowed().keyId());
                }
                line.log();
            }
        }
        super.write(ctx, msg, promise);
    }
}
