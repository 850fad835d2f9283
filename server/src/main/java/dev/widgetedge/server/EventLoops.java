package dev.widgetedge.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The event loops every server of the process shares: one acceptor thread and one I/O thread per
 * core, on the native epoll transport when it is available (Linux), NIO otherwise.
 */
public final class EventLoops implements AutoCloseable {

    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannelType;
    private final Class<? extends Channel> socketChannelType;
    private final Class<? extends DatagramChannel> datagramChannelType;
    private final String transportName;

    private EventLoops(IoHandlerFactory factory, Class<? extends ServerChannel> serverChannelType,
            Class<? extends Channel> socketChannelType, Class<? extends DatagramChannel> datagramChannelType,
            String name, int workerThreads) {
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("accept", true), factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("io", true), factory);
        this.serverChannelType = serverChannelType;
        this.socketChannelType = socketChannelType;
        this.datagramChannelType = datagramChannelType;
        this.transportName = name;
    }

    /** Event loops on the best transport available, with one I/O thread per available core. */
    public static EventLoops create() {
        int workers = Runtime.getRuntime().availableProcessors();
        if (Epoll.isAvailable()) {
            return new EventLoops(EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollDatagramChannel.class, "epoll", workers);
        }
        return new EventLoops(NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioDatagramChannel.class, "nio", workers);
    }

    EventLoopGroup acceptors() {
        return acceptors;
    }

    /** The I/O threads; also usable for client channels (e.g. to an upstream). */
    public EventLoopGroup workers() {
        return workers;
    }

    Class<? extends ServerChannel> serverChannelType() {
        return serverChannelType;
    }

    /** The client socket type of this transport, for outgoing connections on {@link #workers()}. */
    public Class<? extends Channel> socketChannelType() {
        return socketChannelType;
    }

    /** The datagram type of this transport, for asynchronous DNS on {@link #workers()}. */
    public Class<? extends DatagramChannel> datagramChannelType() {
        return datagramChannelType;
    }

    /** {@code epoll} or {@code nio}, for the start-up log line. */
    public String transportName() {
        return transportName;
    }

    /** Shuts both groups down, giving queued tasks up to {@code timeout} to finish. */
    public void shutdown(Duration timeout) {
        acceptors.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly(timeout.toMillis());
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(2));
    }
}
