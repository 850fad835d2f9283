package dev.widgetedge.gateway.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Requires a PROXY protocol header at the start of a connection, in front of everything else on
 * the pipeline. Netty's {@link HAProxyMessageDecoder} reads it (and removes itself after); this
 * handler checks it and tells the rest of the pipeline whom the connection is for, with a
 * {@link ProxiedPeer} event, before any request byte reaches the HTTP codec.
 *
 * <p>A connection whose header is missing, malformed, of a version {@code --proxy-protocol} does
 * not accept, or not complete within the timeout is closed without a response: nothing was said
 * in HTTP, so nothing is answered, and no byte of it is decoded as HTTP. The header is bounded
 * (107 bytes in v1, {@value #MAX_TLV_BYTES} bytes of TLVs in v2), so waiting for one costs a small
 * buffer and one timer. A {@code LOCAL} header (the proxy's own health check) and a header for an
 * {@code UNKNOWN} protocol leave the TCP peer as the connection's peer, as the protocol says.
 *
 * <p>One instance per connection, confined to its event loop.
 */
public final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    /** The most TLV bytes accepted after a v2 header's addresses (proxies send a few dozen). */
    static final int MAX_TLV_BYTES = 2048;

    /** The client a PROXY header names, fired as a user event before the connection's first request. */
    public record ProxiedPeer(InetAddress address) {
    }

    private final ProxyProtocol mode;
    private final long timeoutNanos;
    private final Runnable onRejected;
    private ScheduledFuture<?> timer;
    /** The header was accepted or the connection rejected: nothing more to wait for. */
    private boolean done;
    private boolean rejected;

    private ProxyProtocolHandler(ProxyProtocol mode, Duration timeout, Runnable onRejected) {
        this.mode = mode;
        this.timeoutNanos = timeout.toNanos();
        this.onRejected = onRejected;
    }

    /**
     * Puts the decoder and this handler first on {@code pipeline}, unless {@code mode} is
     * {@link ProxyProtocol#OFF}.
     *
     * @param timeout    how long a new connection may take to send its header
     * @param onRejected counts one connection closed for its header (a metric); on the event loop
     */
    public static void install(ChannelPipeline pipeline, ProxyProtocol mode, Duration timeout, Runnable onRejected) {
        if (mode == ProxyProtocol.OFF) {
            return;
        }
        pipeline.addFirst("proxy-protocol", new ProxyProtocolHandler(mode, timeout, onRejected));
        pipeline.addFirst("proxy-protocol-decoder", new HAProxyMessageDecoder(MAX_TLV_BYTES));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer == null && !done) {
            timer = ctx.executor().schedule(() -> reject(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            // Bytes that followed a refused header: never decoded as HTTP.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HAProxyMessage header)) {
            // The decoder passes nothing else before a header; anything else is not for HTTP either.
            ReferenceCountUtil.release(msg);
            reject(ctx);
            return;
        }
        try {
            if (!mode.accepts(header.protocolVersion())) {
                reject(ctx);
                return;
            }
            InetAddress source = sourceOf(header);
            if (header.command() == HAProxyCommand.PROXY && source == null
                    && header.proxiedProtocol() != HAProxyProxiedProtocol.UNKNOWN) {
                // A PROXY header for a UNIX or UDP peer: no client address to take.
                reject(ctx);
                return;
            }
            accepted(ctx);
            if (source != null) {
                ctx.fireUserEventTriggered(new ProxiedPeer(source));
            }
        } finally {
            header.release();
        }
    }

    /** The header's source, for a {@code PROXY} command over TCP; {@code null} otherwise. */
    private static InetAddress sourceOf(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null) {
            return null;
        }
        HAProxyProxiedProtocol protocol = header.proxiedProtocol();
        if (protocol != HAProxyProxiedProtocol.TCP4 && protocol != HAProxyProxiedProtocol.TCP6) {
            return null;
        }
        return IpLiteral.parse(header.sourceAddress());
    }

    private void accepted(ChannelHandlerContext ctx) {
        done = true;
        cancelTimer();
        ctx.pipeline().remove(this);
    }

    /**
     * The decoder's complaint about a header is a rejection, not a fault: never passed on (the
     * decoder may complain again about the bytes after a bad header while the connection closes).
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException) {
            reject(ctx);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void reject(ChannelHandlerContext ctx) {
        if (done) {
            return;
        }
        done = true;
        rejected = true;
        cancelTimer();
        onRejected.run();
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
