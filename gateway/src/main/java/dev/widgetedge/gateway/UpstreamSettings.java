package dev.widgetedge.gateway;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how the gateway proxies {@code /v1/widget/**}.
 *
 * @param uri          the widget backend, {@code http://host[:port]} or {@code https://host[:port]};
 *                     {@code null} for none (proxied paths are then 404)
 * @param timeout      how long to wait for the upstream's response headers
 * @param maxBodyBytes the largest request body proxied
 */
public record UpstreamSettings(URI uri, Duration timeout, long maxBodyBytes) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

    public UpstreamSettings {
        if (uri != null && !isOrigin(uri)) {
            throw new IllegalArgumentException("--upstream: " + uri
                    + " (expected: http://host[:port] or https://host[:port], without a path)");
        }
        SettingsChecks.positive("--upstream-timeout", timeout);
        SettingsChecks.atLeast("--max-body", maxBodyBytes, 0);
    }

    private static boolean isOrigin(URI uri) {
        String scheme = uri.getScheme();
        String path = uri.getRawPath();
        return ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null
                && (path == null || path.isEmpty() || path.equals("/"))
                && uri.getRawQuery() == null && uri.getRawFragment() == null;
    }
}
