package dev.widgetedge.gateway;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how the gateway proxies {@code /v1/widget/**}, and how it treats its connections to
 * the upstream. Connections are pooled per I/O thread, so the two connection bounds are split
 * evenly across the threads (each gets at least one).
 *
 * @param uri            the widget backend, {@code http://host[:port]} or {@code https://host[:port]};
 *                       {@code null} for none (proxied paths are then 404)
 * @param timeout        how long to wait for the upstream's response headers (502/504 after)
 * @param maxBodyBytes   the largest request body proxied
 * @param maxConnections the most connections open to the upstream at once
 * @param maxPending     the most requests waiting for a connection when all are in use; beyond,
 *                       a request is answered {@code 502} at once
 * @param idleTimeout    how long an idle upstream connection is kept; shorter than the upstream's
 *                       own keep-alive timeout, so that the gateway, not the upstream, closes it
 * @param retryIdempotent whether a request with an idempotent method is sent again, once, on a new
 *                       connection when a reused connection closes before any byte of the response
 *                       (the upstream closed it as it went idle)
 */
public record UpstreamSettings(URI uri, Duration timeout, long maxBodyBytes, long maxConnections, long maxPending,
        Duration idleTimeout, boolean retryIdempotent) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final long DEFAULT_MAX_CONNECTIONS = 1024;
    public static final long DEFAULT_MAX_PENDING = 1024;
    /** Under the 5 s keep-alive of Node.js's HTTP server (and Apache's), the shortest common one. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(4);
    public static final boolean DEFAULT_RETRY_IDEMPOTENT = true;

    public UpstreamSettings {
        if (uri != null && !isOrigin(uri)) {
            throw new IllegalArgumentException("--upstream: " + uri
                    + " (expected: http://host[:port] or https://host[:port], without a path)");
        }
        SettingsChecks.positive("--upstream-timeout", timeout);
        SettingsChecks.atLeast("--max-body", maxBodyBytes, 0);
        SettingsChecks.atLeast("--upstream-max-connections", maxConnections, 1);
        SettingsChecks.atLeast("--upstream-max-pending", maxPending, 0);
        SettingsChecks.positive("--upstream-idle-timeout", idleTimeout);
    }

    private static boolean isOrigin(URI uri) {
        String scheme = uri.getScheme();
        String path = uri.getRawPath();
        return ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null
                && (path == null || path.isEmpty() || path.equals("/"))
                && uri.getRawQuery() == null && uri.getRawFragment() == null;
    }
}
