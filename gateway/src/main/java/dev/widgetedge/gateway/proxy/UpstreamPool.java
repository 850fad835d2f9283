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
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The upstream connections of one event loop: the idle ones, most recently used first, and the
 * means to open more. Client channels of that loop lease from it, so an exchange and its upstream
 * connection share a thread and nothing is handed across threads.
 *
 * <p>Confined to its event loop: every method must be called from the loop it was made for.
 */
final class UpstreamPool {

    private static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final int MAX_CHUNK_SIZE = 16 * 1024;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxIdle;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();

    /**
     * @param template    connects to the upstream (address, channel type and options set); cloned
     *                    onto {@code loop}
     * @param ssl         the TLS context for an {@code https} upstream, else {@code null}
     * @param opened      told of every connection opened, before it connects (the client tracks
     *                    them, to close them all on shutdown)
     * @param maxIdle     the most idle connections kept; more are closed on release
     */
    UpstreamPool(EventLoop loop, Bootstrap template, SslContext ssl, String host, int port,
            Consumer<Channel> opened, int maxIdle) {
        this.loop = loop;
        this.maxIdle = maxIdle;
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
                channel.closeFuture().addListener(closedFuture -> idle.remove(connection));
            }
        });
    }

    /**
     * An idle connection, or a new one once it is connected (and its TLS handshake done). Fails
     * when the upstream cannot be reached; the future's listeners run on the pool's loop.
     */
    Future<UpstreamConnection> acquire() {
        UpstreamConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.isActive()) {
                return loop.newSucceededFuture(connection);
            }
        }
        return connect();
    }

    /** Takes back a connection whose exchange completed; keeps it if it is open and there is room. */
    void release(UpstreamConnection connection) {
        if (!connection.isActive() || idle.size() >= maxIdle) {
            connection.channel().close();
            return;
        }
        connection.idle();
        idle.addFirst(connection);
    }

    private Future<UpstreamConnection> connect() {
        Promise<UpstreamConnection> promise = loop.newPromise();
        ChannelFuture connecting = bootstrap.connect();
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                promise.setFailure(connected.cause());
                return;
            }
            Channel channel = connecting.channel();
            UpstreamConnection connection = channel.pipeline().get(UpstreamConnection.class);
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                promise.setSuccess(connection);
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    promise.setSuccess(connection);
                } else {
                    channel.close();
                    promise.setFailure(handshake.cause());
                }
            });
        });
        return promise;
    }
}
