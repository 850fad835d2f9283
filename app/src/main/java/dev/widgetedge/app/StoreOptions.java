package dev.widgetedge.app;

import dev.widgetedge.core.store.RedisConnector;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of every command that talks to Redis. */
final class StoreOptions {

    static final String DEFAULT_STORE_TIMEOUT = "2s";

    @Option(names = "--redis", paramLabel = "URI",
            description = "Redis URI: redis://, rediss:// or redis-sentinel:// (env WIDGET_EDGE_REDIS).")
    String redis;

    @Option(names = "--store-timeout", paramLabel = "DURATION", defaultValue = DEFAULT_STORE_TIMEOUT,
            converter = DurationConverter.class,
            description = "Bound on every store call; a hung Redis becomes an error within it (default: ${DEFAULT-VALUE}).")
    Duration storeTimeout;

    /** Validates the options and starts connecting; the caller closes the connector. */
    RedisConnector connect() {
        String uri = Check.present("--redis", redis, "a redis://, rediss:// or redis-sentinel:// URI");
        try {
            RedisConnector.parseUri(uri);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--redis", redactUserInfo(uri), e.getMessage());
        }
        return RedisConnector.start(uri, Check.positive("--store-timeout", storeTimeout));
    }

    /** A URI as it may be shown: a password in it is replaced by {@code ***}. */
    static String redactUserInfo(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.indexOf('@');
        return scheme >= 0 && at > scheme ? uri.substring(0, scheme + 3) + "***" + uri.substring(at) : uri;
    }
}
