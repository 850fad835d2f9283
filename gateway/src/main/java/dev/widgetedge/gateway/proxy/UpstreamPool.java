package dev.widgetedge.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The upstream connections of one event loop: the idle ones, most recently used first, the
 * requests waiting for one, and the means to open more. Client channels of that loop lease from
 * it, so an exchange and its upstream connection share a thread and nothing is handed across
 * threads.
 *
 * <p>Bounded three ways: at most {@code maxConnections} open (or opening) at once; at most
 * {@code maxPending} requests waiting when all are leased (more fail at once, so a slow upstream
 * cannot make requests pile up without end); and an idle connection is closed after
 * {@code idleTimeoutNanos}, before a typical upstream's keep-alive runs out, so the gateway seldom
 * sends a request on a connection the upstream is closing.
 *
 * <p>Confined to its event loop: every method must be called from the loop it was made for.
 */
final class UpstreamPool {

    private static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final int MAX_CHUNK_SIZE = 16 * 1024;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxConnections;
    private final int maxPending;
    private final long idleTimeoutNanos;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Promise<UpstreamConnection>> waiting = new ArrayDeque<>();
    /** Connections open or being opened. */
    private int open;
    private ScheduledFuture<?> sweep;

    /**
     * @param template       connects to the upstream (address, channel type and options set); cloned
     *                       onto {@code loop}
     * @param ssl            the TLS context for an {@code https} upstream, else {@code null}
     * @param opened         told of every connection opened, before it connects (the client tracks
     *                       them, to close them all on shutdown)
     * @param maxConnections the most connections open at once on this loop
     * @param maxPending     the most acquisitions waiting for a connection on this loop
     * @param idleTimeoutNanos how long an idle connection is kept
     */
    UpstreamPool(EventLoop loop, Bootstrap template, SslContext ssl, String host, int port,
            Consumer<Channel> opened, int maxConnections, int maxPending, long idleTimeoutNanos) {
        this.loop = loop;
        this.maxConnections = maxConnections;
        this.maxPending = maxPending;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.bootstrap = template.clone(loop).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                opened.accept(channel);
                ChannelPipeline pipeline = channel.pipeline();
                if (ssl != null) {
                    pipeline.addLast("tls", ssl.newHandler(channel.alloc(), host, port));
                }
                pipeline.addLast("http", new HttpClientCodec(
                        new HttpDecoderConfig().setMaxHeaderSize(MAX_HEADER_SIZE).setMaxChunkSize(MAX_CHUNK_SIZE),
                        false, false));
                UpstreamConnection connection = new UpstreamConnection(UpstreamPool.this);
                pipeline.addLast("upstream", connection);
                channel.closeFuture().addListener(closedFuture -> closed(connection));
            }
        });
    }

    /**
     * An idle connection, a new one once it is connected (and its TLS handshake done), or the next
     * one released when all may be open already. Fails when the upstream cannot be reached, or at
     * once when too many wait ({@link PoolExhaustedException}). A caller that gives up cancels the
     * future; the future's listeners run on the pool's loop.
     */
    Future<UpstreamConnection> acquire() {
        UpstreamConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.isActive()) {
                return loop.newSucceededFuture(connection);
            }
        }
        if (open < maxConnections) {
            Promise<UpstreamConnection> promise = loop.newPromise();
            connect(promise);
            return promise;
        }
        if (waiting.size() >= maxPending) {
            return loop.newFailedFuture(new PoolExhaustedException(maxConnections, maxPending));
        }
        Promise<UpstreamConnection> promise = loop.newPromise();
        waiting.add(promise);
        return promise;
    }

    /**
     * Takes back a connection whose exchange completed: handed to the longest waiting request, or
     * kept idle if it is still open.
     */
    void release(UpstreamConnection connection) {
        if (!connection.isActive()) {
            connection.channel().close();
            return;
        }
        Promise<UpstreamConnection> next;
        while ((next = waiting.poll()) != null) {
            if (next.trySuccess(connection)) {
                return;
            }
        }
        connection.idle(System.nanoTime());
        idle.addFirst(connection);
        scheduleSweep();
    }

    /** A connection closed (by either side): its place may go to a waiting request. */
    private void closed(UpstreamConnection connection) {
        open--;
        idle.remove(connection);
        Promise<UpstreamConnection> next;
        while (open < maxConnections && (next = waiting.poll()) != null) {
            if (!next.isDone()) {
                connect(next);
            }
        }
    }

    private void connect(Promise<UpstreamConnection> promise) {
        open++;
        ChannelFuture connecting = bootstrap.connect();
        Channel channel = connecting.channel();
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                promise.tryFailure(connected.cause());
                return;
            }
            UpstreamConnection connection = channel.pipeline().get(UpstreamConnection.class);
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                handOver(promise, connection);
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    handOver(promise, connection);
                } else {
                    channel.close();
                    promise.tryFailure(handshake.cause());
                }
            });
        });
    }

    /** A new connection for {@code promise}; if its requester gave up meanwhile, someone else's. */
    private void handOver(Promise<UpstreamConnection> promise, UpstreamConnection connection) {
        if (!promise.trySuccess(connection)) {
            release(connection);
        }
    }

    /** Closes idle connections past the idle timeout, every quarter of it while any is idle. */
    private void scheduleSweep() {
        if (sweep == null) {
            long every = Math.max(1, idleTimeoutNanos / 4);
            sweep = loop.scheduleAtFixedRate(this::closeExpired, every, every, TimeUnit.NANOSECONDS);
        }
    }

    private void closeExpired() {
        long now = System.nanoTime();
        // Oldest last: the deque holds the most recently used first.
        Iterator<UpstreamConnection> oldestFirst = idle.descendingIterator();
        while (oldestFirst.hasNext()) {
            UpstreamConnection connection = oldestFirst.next();
            if (now - connection.idleSinceNanos() < idleTimeoutNanos) {
                break;
            }
            oldestFirst.remove();
            connection.channel().close();
        }
        if (idle.isEmpty()) {
            sweep.cancel(false);
            sweep = null;
        }
    }
}
