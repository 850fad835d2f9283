package dev.widgetedge.server;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The access log: one line per answered request, on the logger {@value #LOGGER_NAME}, which is
 * off unless {@code --access-log} turns it on. Lines carry the method, the path without its query
 * (a widget key may travel in the query), the status and the time taken; never a key or a token.
 * {@code status} and {@code duration_ms} (milliseconds, to the microsecond) are numbers, so the
 * JSON format writes them as JSON numbers.
 */
public final class AccessLog {

    /** The logger's name; its level decides whether lines are written at all. */
    public static final String LOGGER_NAME = "widget_edge.access";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private AccessLog() {
    }

    /** Whether lines are written; checked first so that a disabled log costs one test. */
    public static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /**
     * Starts a line for one request; the caller adds its own fields and calls {@code log()}.
     *
     * @param path the request path without query
     */
    public static LoggingEventBuilder line(String server, String method, String path, int status,
            long durationNanos, SocketAddress client) {
        return LOG.atInfo()
                .setMessage("request")
                .addKeyValue("server", server)
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", BigDecimal.valueOf(durationNanos / 1_000, 3))
                .addKeyValue("client", client instanceof InetSocketAddress address
                        ? address.getAddress().getHostAddress() : String.valueOf(client));
    }
}
