package dev.widgetedge.server;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes a connection when the {@link io.netty.handler.timeout.IdleStateHandler} before it reports
 * it idle, so that clients that go quiet do not hold sockets forever.
 */
@Sharable
public final class IdleConnectionCloser extends ChannelInboundHandlerAdapter {

    public static final IdleConnectionCloser INSTANCE = new IdleConnectionCloser();

    private IdleConnectionCloser() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }
}
