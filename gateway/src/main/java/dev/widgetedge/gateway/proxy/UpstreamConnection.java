package dev.widgetedge.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keep-alive connection to the upstream, and the last handler of its pipeline: while leased it
 * passes everything to the lessee's {@link UpstreamListener}; while idle in its {@link UpstreamPool}
 * it has a read outstanding, so that a close by the upstream is noticed at once, and treats
 * anything else as a broken stream and closes.
 *
 * <p>Confined to the connection's event loop: leased, released and closed only from there.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamConnection.class);

    private final UpstreamPool pool;
    private Channel channel;
    private UpstreamListener listener;
    /** Exchanges this connection has served to their end; above zero, a lease reuses it. */
    private int served;
    private long idleSinceNanos;

    UpstreamConnection(UpstreamPool pool) {
        this.pool = pool;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    Channel channel() {
        return channel;
    }

    boolean isActive() {
        return channel.isActive();
    }

    /**
     * Whether the connection served an exchange before this lease: the upstream may have closed it
     * while idle, just as the request went out.
     */
    boolean isReused() {
        return served > 0;
    }

    /** When the connection last went back to its pool ({@link System#nanoTime()}). */
    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Hands the connection to {@code lessee}, which asks for each read (automatic reading is always
     * off), so that the upstream is read only as fast as the client takes the response.
     */
    void lease(UpstreamListener lessee) {
        listener = lessee;
    }

    /** Returns the connection to its pool after a complete exchange; the lease ends. */
    void release() {
        listener = null;
        served++;
        pool.release(this);
    }

    /** Ends the lease and the connection, for an exchange that did not complete cleanly. */
    void close() {
        listener = null;
        channel.close();
    }

    /**
     * Leaves one read asked for on an idle connection, to notice at once when the upstream closes
     * it (or sends what nobody asked for, which closes it too). A read asked for stays asked for
     * across the next lease, so the connection's interest in reading is never switched off and on
     * again per request (automatic reading on while idle cost two {@code epoll_ctl} calls per
     * proxied request).
     */
    void idle(long nowNanos) {
        listener = null;
        idleSinceNanos = nowNanos;
        channel.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (listener != null && msg instanceof HttpObject part) {
            listener.responsePart(part);
            return;
        }
        // A response nobody asked for, or bytes that are not HTTP (after a protocol switch the
        // proxy never asked for): whatever follows on this stream cannot be trusted.
        ReferenceCountUtil.release(msg);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.responseReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamListener lessee = listener;
        listener = null;
        if (lessee != null) {
            lessee.upstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("upstream connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
