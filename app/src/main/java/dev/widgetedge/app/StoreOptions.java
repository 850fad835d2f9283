package dev.widgetedge.app;

import dev.widgetedge.core.store.RedisConnector;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of every command that talks to Redis. */
final class StoreOptions {

    @Option(names = "--redis", paramLabel = "URI",
            description = "Redis URI: redis://, rediss:// or redis-sentinel:// (env WIDGET_EDGE_REDIS).")
    String redis;

    @Option(names = "--store-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Bound on every store call; a hung Redis becomes an error within it (default: ${DEFAULT-VALUE}).")
    Duration storeTimeout = RedisConnector.DEFAULT_STORE_TIMEOUT;

    static final String EXPECTED_URI = "a redis://, rediss:// or redis-sentinel:// URI";

    /**
     * Validates the options and starts connecting, retrying in the background until Redis answers
     * (servers start before Redis may); the caller closes the connector.
     */
    RedisConnector connect() {
        return RedisConnector.start(validUri(), Check.positive("--store-timeout", storeTimeout));
    }

    /**
     * Validates the options and connects once, for one-shot commands.
     *
     * @throws dev.widgetedge.core.store.StoreException if Redis cannot be reached within the timeout
     */
    RedisConnector connectOnce() throws InterruptedException {
        return RedisConnector.connectOnce(validUri(), Check.positive("--store-timeout", storeTimeout));
    }

    private String validUri() {
        String uri = Check.present("--redis", redis, EXPECTED_URI);
        try {
            RedisConnector.parseUri(uri);
        } catch (IllegalArgumentException e) {
            // Not the parser's message: it may quote the URI, password included.
            throw new UsageError("--redis", redactUserInfo(uri), EXPECTED_URI);
        }
        return uri;
    }

    /** A URI as it may be shown: a password in it is replaced by {@code ***}. */
    static String redactUserInfo(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.indexOf('@');
        return scheme >= 0 && at > scheme ? uri.substring(0, scheme + 3) + "***" + uri.substring(at) : uri;
    }
}
