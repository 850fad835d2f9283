package dev.widgetedge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests a server is working on, across all its connections, so that shutdown can
 * stop accepting, let them finish, and only then close connections.
 *
 * <p>Sits after the HTTP codec and the keep-alive handler. A request counts from its head being
 * read until the last part of its response is written. While draining, every response is sent
 * with {@code Connection: close} and idle connections are closed at once.
 */
@Sharable
public final class InFlightRequests extends ChannelDuplexHandler {

    private static final AttributeKey<int[]> OPEN_ON_CHANNEL = AttributeKey.valueOf("widget-edge.in-flight");

    private final AtomicInteger inFlight = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channels.add(ctx.channel());
        ctx.channel().attr(OPEN_ON_CHANNEL).set(new int[1]);
        if (draining) {
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            inFlight.incrementAndGet();
            openOn(ctx.channel())[0]++;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (draining && msg instanceof HttpResponse response) {
            HttpUtil.setKeepAlive(response, false);
        }
        if (msg instanceof LastHttpContent) {
            Channel channel = ctx.channel();
            promise.addListener((ChannelFutureListener) written -> finished(channel));
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        int[] open = openOn(ctx.channel());
        // Requests whose response will never be written no longer count.
        inFlight.addAndGet(-open[0]);
        open[0] = 0;
        signalIfIdle();
        super.channelInactive(ctx);
    }

    /** Requests read whose response is not completely written yet. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Starts draining: idle keep-alive connections are closed now, busy ones after their current
     * response. The caller closes the listening socket first.
     */
    public void startDraining() {
        draining = true;
        for (Channel channel : channels) {
            channel.eventLoop().execute(() -> {
                if (openOn(channel)[0] == 0) {
                    channel.close();
                }
            });
        }
    }

    /** Waits until no request is in flight or {@code timeout} passes; returns whether idle. */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
        return true;
    }

    /** Wakes {@link #awaitIdle} once the last request is done; only drains pay for the signal. */
    private void signalIfIdle() {
        if (draining && inFlight.get() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Closes every connection, finished or not. */
    public void closeAll() {
        channels.close().awaitUninterruptibly();
    }

    private void finished(Channel channel) {
        int[] open = openOn(channel);
        if (open[0] > 0) {
            open[0]--;
            inFlight.decrementAndGet();
            signalIfIdle();
        }
        if (draining && open[0] == 0) {
            channel.close();
        }
    }

    private static int[] openOn(Channel channel) {
        int[] open = channel.attr(OPEN_ON_CHANNEL).get();
        if (open == null) {
            open = new int[1];
            channel.attr(OPEN_ON_CHANNEL).set(open);
        }
        return open;
    }
}
