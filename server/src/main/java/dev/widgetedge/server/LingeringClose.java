package dev.widgetedge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends a final response and closes the connection the way RFC 9112 §9.6 asks: the response is
 * written, the server's side is shut down (FIN), and whatever the client is still sending is read
 * and discarded for a short while before the socket is closed. Closing at once would make the
 * kernel answer the unread bytes with a reset, which can destroy the response before the client
 * reads it (a 413 for a large upload, a 400 for a garbled request).
 */
public final class LingeringClose extends ChannelInboundHandlerAdapter {

    /** How long unread input is discarded before the connection is closed regardless. */
    static final long LINGER_MILLIS = 2_000;

    private LingeringClose() {
    }

    /** Writes {@code response} with {@code Connection: close}, then lingers and closes. */
    public static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        Channel channel = ctx.channel();
        // The keep-alive handler would close the socket right after this response: that is the
        // abrupt close this class exists to avoid.
        if (ctx.pipeline().get(HttpServerKeepAliveHandler.class) != null) {
            ctx.pipeline().remove(HttpServerKeepAliveHandler.class);
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            discardEverythingFrom(channel.pipeline());
            channel.config().setAutoRead(true);
            duplex.shutdownOutput();
            channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    /** Nothing after the final response is a request: the HTTP handlers go, a discarder stays. */
    private static void discardEverythingFrom(ChannelPipeline pipeline) {
        List<String> names = new ArrayList<>(pipeline.toMap().keySet());
        for (String name : names) {
            pipeline.remove(name);
        }
        pipeline.addLast(new LingeringClose());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        ReferenceCountUtil.release(event);
        if (event instanceof ChannelInputShutdownEvent) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
