package dev.widgetedge.server;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every server pipeline: whatever failure reaches it closes the connection,
 * and none is logged per connection, since a client can cause one at will and a line per
 * connection is a way to fill a disk.
 *
 * <p>A transport error ({@link IOException}: connection reset by peer, broken pipe) is normal on the
 * internet; it is only counted. Anything else is a fault of the server: it is logged, without a
 * stack trace, at most once per {@link #LOG_INTERVAL_SECONDS} seconds with the number of others
 * since.
 * Without this handler Netty logs each one with its stack trace ("reached at the tail of the
 * pipeline").
 *
 * <p>Sharable: one instance per server.
 */
@Sharable
public final class ConnectionErrors extends ChannelInboundHandlerAdapter {

    static final long LOG_INTERVAL_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionErrors.class);

    private final String server;
    private final Runnable onReset;
    private final ThrottledLog unexpected = new ThrottledLog(LOG, Duration.ofSeconds(LOG_INTERVAL_SECONDS));

    /**
     * @param server  the server's name, for the log line of an unexpected failure
     * @param onReset counts one connection ended by a transport error (a metric); any thread
     */
    public ConnectionErrors(String server, Runnable onReset) {
        this.server = server;
        this.onReset = onReset;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
        if (cause instanceof IOException) {
            onReset.run();
            return;
        }
        if (cause instanceof PrematureChannelClosureException) {
            // An aggregator reporting the close of a connection whose client left mid-body: the
            // close itself was the event, and a reset was already counted if it was one.
            return;
        }
        unexpected.warn(server + ": a connection failed unexpectedly and was closed", cause.toString());
    }
}
