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
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the requests a server is working on, across all its connections, so that shutdown can
 * stop accepting, let them finish, and only then close connections.
 *
 * <p>Each connection gets a {@link #newTracker() tracker} after the HTTP codec and the keep-alive
 * handler. A request counts from its head being read until the last part of its response is
 * written, or until its connection closes or its tracker is removed (a lingering close removes
 * every handler), whichever comes first. While draining, every response is sent with
 * {@code Connection: close} and idle connections are closed at once.
 *
 * <p>The count is kept per event loop: a connection's requests start and end on its own loop, so
 * each loop's count has a single writer and is exact, and the I/O threads never contend on one
 * counter. The total is their sum.
 */
public final class InFlightRequests {

    private final Map<EventExecutor, AtomicLong> perLoop = new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    /** The handler for one new connection. */
    public ChannelHandler newTracker() {
        return new Tracker();
    }

    /** Requests read whose response is not completely written yet. Any thread. */
    public int inFlight() {
        long total = 0;
        for (AtomicLong count : perLoop.values()) {
            total += count.get();
        }
        return (int) total;
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
        while (inFlight() > 0) {
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
        if (draining && inFlight() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * The count of the loop {@code executor}; made by the loop itself on its first connection, so
     * that it lives in that thread's allocation buffer, apart from the other loops' counts.
     */
    private AtomicLong countOf(EventExecutor executor) {
        return perLoop.computeIfAbsent(executor, loop -> new AtomicLong());
    }

    /** One connection's count; touched only on its event loop. */
    private final class Tracker extends ChannelDuplexHandler {

        private final ChannelFutureListener finished = written -> finished(written.channel());
        private AtomicLong loopCount;
        private int open;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            loopCount = countOf(ctx.executor());
        }

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
                add(1);
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
            forgetOpen();
            super.channelInactive(ctx);
        }

        /** Removed before the connection closed (a lingering close): its requests stop counting now. */
        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            forgetOpen();
        }

        /** Requests whose response will never be written (or never seen here) no longer count. */
        private void forgetOpen() {
            if (open > 0) {
                add(-open);
                open = 0;
                signalIfIdle();
            }
        }

        private void finished(Channel channel) {
            if (open > 0) {
                open--;
                add(-1);
                signalIfIdle();
            }
            if (draining && open == 0) {
                channel.close();
            }
        }

        /** The loop's count has no other writer: a plain read and an ordered write are exact. */
        private void add(long delta) {
            loopCount.lazySet(loopCount.get() + delta);
        }
    }
}
