package dev.widgetedge.gateway.proxy;

import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.server.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * The gateway's client to its upstream ({@code --upstream}): keep-alive connections pooled per
 * event loop, opened on the loop of the client connection that needs one, within the bounds of
 * {@link dev.widgetedge.gateway.UpstreamSettings} split evenly across the loops. Built once at
 * start-up and shared by every proxied exchange; thread-safe.
 *
 * <p>Host names are resolved asynchronously (Netty's DNS resolver, honouring {@code /etc/hosts}
 * and {@code /etc/resolv.conf}), so a slow DNS server never blocks an event loop. An
 * {@code https} upstream is verified against the JDK's trust store, host name included.
 */
public final class UpstreamClient implements AutoCloseable {

    /** The longest a connection attempt may take; a shorter upstream timeout bounds it further. */
    static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #close()} waits for the connections to close. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final Bootstrap template;
    private final SslContext ssl;
    private final String host;
    private final int port;
    private final AsciiString authority;
    private final long maxBodyBytes;
    private final long responseTimeoutNanos;
    private final int maxConnectionsPerLoop;
    private final int maxPendingPerLoop;
    private final long idleTimeoutNanos;
    private final boolean retryIdempotent;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final ChannelGroup channels = new DefaultChannelGroup("upstream", GlobalEventExecutor.INSTANCE);
    private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private UpstreamClient(GatewaySettings settings, EventLoops loops, SslContext ssl) {
        URI upstream = settings.upstream().uri();
        this.ssl = ssl;
        this.host = unbracketed(upstream.getHost());
        this.port = upstream.getPort() != -1 ? upstream.getPort() : "https".equals(upstream.getScheme()) ? 443 : 80;
        this.authority = AsciiString.cached(upstream.getPort() != -1
                ? upstream.getHost() + ":" + port : upstream.getHost());
        this.maxBodyBytes = settings.upstream().maxBodyBytes();
        this.responseTimeoutNanos = settings.upstream().timeout().toNanos();
        int loopCount = count(loops.workers());
        this.maxConnectionsPerLoop = (int) Math.min(Integer.MAX_VALUE,
                Math.max(1, settings.upstream().maxConnections() / loopCount));
        this.maxPendingPerLoop = (int) Math.min(Integer.MAX_VALUE, settings.upstream().maxPending() / loopCount);
        this.idleTimeoutNanos = settings.upstream().idleTimeout().toNanos();
        this.retryIdempotent = settings.upstream().retryIdempotent();
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(loops.datagramChannelType()));
        Duration connectTimeout = settings.upstream().timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0
                ? settings.upstream().timeout() : MAX_CONNECT_TIMEOUT;
        this.template = new Bootstrap()
                .channel(loops.socketChannelType())
                .resolver(resolver)
                .remoteAddress(InetSocketAddress.createUnresolved(host, port))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
    }

    /**
     * A client for {@code settings.upstream().uri()}, which must be set. Connections use the transport
     * of {@code loops} and are opened on the event loops of the client connections that use them.
     */
    public static UpstreamClient create(GatewaySettings settings, EventLoops loops) {
        Objects.requireNonNull(settings.upstream().uri(), "settings.upstream().uri()");
        return create(settings, loops, "https".equals(settings.upstream().uri().getScheme()) ? defaultTls() : null);
    }

    /** As {@link #create(GatewaySettings, EventLoops)}, with the TLS context given (tests trust their own CA). */
    static UpstreamClient create(GatewaySettings settings, EventLoops loops, SslContext ssl) {
        return new UpstreamClient(settings, loops, ssl);
    }

    /**
     * A pooled connection for a client channel of {@code loop}, or a new one; fails when the
     * upstream cannot be reached. Call on {@code loop}; the future's listeners run there.
     */
    Future<UpstreamConnection> acquire(EventLoop loop) {
        if (closed) {
            return loop.newFailedFuture(new IllegalStateException("upstream client closed"));
        }
        return pools.computeIfAbsent(loop, this::newPool).acquire();
    }

    /** The upstream's {@code host[:port]}, for the {@code Host} header. */
    AsciiString authority() {
        return authority;
    }

    /** The largest request body forwarded. */
    long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** How long the upstream may stay silent before the exchange is answered {@code 504}. */
    long responseTimeoutNanos() {
        return responseTimeoutNanos;
    }

    /** Whether an idempotent request is sent again once when a reused connection closes unanswered. */
    boolean retryIdempotent() {
        return retryIdempotent;
    }

    /** Closes every upstream connection, pooled or in use, and the DNS resolver. */
    @Override
    public void close() {
        closed = true;
        channels.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
        resolver.close();
    }

    private UpstreamPool newPool(EventLoop loop) {
        return new UpstreamPool(loop, template, ssl, host, port, channels::add, maxConnectionsPerLoop,
                maxPendingPerLoop, idleTimeoutNanos);
    }

    private static int count(EventLoopGroup group) {
        int count = 0;
        for (EventExecutor ignored : group) {
            count++;
        }
        return Math.max(1, count);
    }

    private static SslContext defaultTls() {
        try {
            return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new UncheckedIOException("cannot set up TLS for the upstream", e);
        }
    }

    /** {@link URI#getHost()} keeps the brackets of an IPv6 literal; a socket address must not. */
    private static String unbracketed(String host) {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }
}
