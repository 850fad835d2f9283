package dev.widgetedge.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection on which nothing was read or written for the idle timeout. Cheaper per
 * request than Netty's {@code IdleStateHandler}, which reads the clock and attaches a listener to
 * every write: here a read or a write only sets a flag, and a check that runs every half timeout
 * closes the connection after two checks in a row found no activity (so after 1 to 1.5 timeouts).
 * One instance per connection.
 */
public final class IdleTimeout extends ChannelDuplexHandler {

    private final long checkEveryNanos;
    private boolean active;
    private int quietChecks;
    private ScheduledFuture<?> check;

    public IdleTimeout(Duration timeout) {
        this.checkEveryNanos = Math.max(1, timeout.toNanos() / 2);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            schedule(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        schedule(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        active = true;
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        active = true;
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void schedule(ChannelHandlerContext ctx) {
        if (check == null) {
            check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), checkEveryNanos, checkEveryNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        if (active) {
            active = false;
            quietChecks = 0;
        } else if (++quietChecks >= 2) {
            cancel();
            ctx.close();
        }
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
