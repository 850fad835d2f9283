package dev.widgetedge.gateway.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The handler after the one under test: it records what it is passed, in order, as readable
 * descriptions, and releases it. Optionally it answers (like the proxy) when it sees a request head
 * or a last part.
 */
final class Recorder extends ChannelInboundHandlerAdapter {

    private final List<String> seen = new ArrayList<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    private BiConsumer<ChannelHandlerContext, Object> onMessage = (ctx, msg) -> { };

    /** Calls {@code action} after recording each message (before it is released). */
    Recorder onMessage(BiConsumer<ChannelHandlerContext, Object> action) {
        this.onMessage = action;
        return this;
    }

    /** Descriptions of what was passed on: {@code "GET /a"}, {@code "part:abc"}, {@code "last:xyz"}. */
    List<String> seen() {
        return seen;
    }

    /** The exchange current when each message arrived. */
    List<Exchange> exchanges() {
        return exchanges;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        seen.add(describe(msg));
        exchanges.add(Exchange.of(ctx.channel()));
        try {
            onMessage.accept(ctx, msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    static String describe(Object msg) {
        if (msg instanceof HttpRequest request) {
            return request.method() + " " + request.uri();
        }
        if (msg instanceof LastHttpContent last) {
            return "last:" + last.content().toString(StandardCharsets.UTF_8);
        }
        if (msg instanceof HttpContent part) {
            return "part:" + part.content().toString(StandardCharsets.UTF_8);
        }
        return String.valueOf(msg);
    }
}
