package dev.widgetedge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One listening HTTP server: binds, reports its port, and drains on shutdown. What it does with
 * requests is the initializer's business; the initializer must add the server's
 * {@link InFlightRequests} after the HTTP codec for drain to work.
 */
public final class HttpServer {

    private final String name;
    private final Channel listener;
    private final InFlightRequests inFlight;

    private HttpServer(String name, Channel listener, InFlightRequests inFlight) {
        this.name = name;
        this.listener = listener;
        this.inFlight = inFlight;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free port) and starts serving.
     *
     * @throws ServerStartException when the address cannot be bound (in use, no permission)
     */
    public static HttpServer bind(String name, EventLoops loops, String host, int port,
            InFlightRequests inFlight, ChannelInitializer<Channel> initializer) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptors(), loops.workers())
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(initializer);
        try {
            Channel listener = bootstrap.bind(host, port).syncUninterruptibly().channel();
            return new HttpServer(name, listener, inFlight);
        } catch (Exception e) {
            // Netty rethrows the bind failure (a checked BindException) without declaring it.
            throw new ServerStartException("cannot listen on " + host + ":" + port + " for the " + name
                    + " (" + e.getMessage() + ")", e);
        }
    }

    /** The bound port (the real one when asked for port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Whether the listener is still accepting connections. */
    public boolean isListening() {
        return listener.isActive();
    }

    /** This server's name, as used in logs ("gateway", "admin API", "ops"). */
    public String name() {
        return name;
    }

    /**
     * First phase of a drain: stops accepting connections, closes idle ones, and asks busy ones
     * to close after their current response.
     */
    public void stopAccepting() {
        listener.close().syncUninterruptibly();
        inFlight.startDraining();
    }

    /**
     * Second phase of a drain: waits until {@code deadline} ({@link System#nanoTime()}) for the
     * requests in flight, then closes every connection.
     *
     * @return whether every request finished in time
     */
    public boolean awaitDrained(long deadline) throws InterruptedException {
        boolean idle = inFlight.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        inFlight.closeAll();
        return idle;
    }
}
