package dev.widgetedge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests a server is working on, across all its connections, so that shutdown can
 * stop accepting, let them finish, and only then close connections.
 *
 * <p>Each connection gets a {@link #newTracker() tracker} after the HTTP codec and the keep-alive
 * handler. A request counts from its head being read until the last part of its response is
 * written. While draining, every response is sent with {@code Connection: close} and idle
 * connections are closed at once.
 */
public final class InFlightRequests {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    /** The handler for one new connection. */
    public ChannelHandler newTracker() {
        return new Tracker();
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
                Tracker tracker = channel.pipeline().get(Tracker.class);
                if (tracker == null || tracker.open == 0) {
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

    /** Closes every connection, finished or not. */
    public void closeAll() {
        channels.close().awaitUninterruptibly();
    }

    /** Wakes {@link #awaitIdle} once the last request is done; only drains pay for the signal. */
    private void signalIfIdle() {
        if (draining && inFlight.get() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** One connection's count; touched only on its event loop. */
    private final class Tracker extends ChannelDuplexHandler {

        private int open;
        private final ChannelFutureListener finished = written -> finished(written.channel());

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            channels.add(ctx.channel());
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
                open++;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (draining && msg instanceof HttpResponse response) {
                HttpUtil.setKeepAlive(response, false);
            }
            if (msg instanceof LastHttpContent) {
                promise = promise.unvoid();
                promise.addListener(finished);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            // Requests whose response will never be written no longer count.
            inFlight.addAndGet(-open);
            open = 0;
            signalIfIdle();
            super.channelInactive(ctx);
        }

        private void finished(Channel channel) {
            if (open > 0) {
                open--;
                inFlight.decrementAndGet();
                signalIfIdle();
            }
            if (draining && open == 0) {
                channel.close();
            }
        }
    }
}
