package dev.widgetedge.gateway;

import dev.widgetedge.server.Durations;
import java.net.URI;
import java.time.Duration;

/**
 * The gateway's tunables, validated once at start-up. Defaults are the SPEC's.
 *
 * @param cacheTtl          how long a cached decision is used before it is revalidated
 * @param negativeTtl       how long an unknown key is remembered as unknown
 * @param staleIfError      how long past {@code cacheTtl} an allowed decision keeps serving while
 *                          the store is unreachable
 * @param cacheMaxKeys      the most keys cached (W-TinyLFU eviction beyond)
 * @param usageFlush        how often {@code last_used_at} marks are written back
 * @param storeTimeout      the bound on one store call (also bounds how long a load can race)
 * @param upstream          where {@code /v1/widget/**} is proxied, or {@code null} for none
 * @param upstreamTimeout   how long to wait for the upstream's response headers
 * @param maxProxyBodyBytes the largest request body proxied
 * @param idleTimeout       how long a client connection may stay quiet
 */
public record GatewaySettings(
        Duration cacheTtl,
        Duration negativeTtl,
        Duration staleIfError,
        long cacheMaxKeys,
        Duration usageFlush,
        Duration storeTimeout,
        URI upstream,
        Duration upstreamTimeout,
        long maxProxyBodyBytes,
        Duration idleTimeout) {

    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STALE_IF_ERROR = Duration.ofMinutes(5);
    public static final long DEFAULT_CACHE_MAX_KEYS = 1_000_000;
    public static final Duration DEFAULT_USAGE_FLUSH = Duration.ofSeconds(1);
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_PROXY_BODY_BYTES = 10L * 1024 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** Every value checked; the message names the option and what it expects. */
    public GatewaySettings {
        positive("--cache-ttl", cacheTtl);
        positive("--negative-ttl", negativeTtl);
        notNegative("--stale-if-error", staleIfError);
        if (cacheMaxKeys < 1) {
            throw new IllegalArgumentException("--cache-max-keys: " + cacheMaxKeys + " (expected: >= 1)");
        }
        positive("--usage-flush", usageFlush);
        positive("--store-timeout", storeTimeout);
        if (upstream != null) {
            String scheme = upstream.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme)) || upstream.getHost() == null
                    || (upstream.getRawPath() != null && !upstream.getRawPath().isEmpty()
                        && !upstream.getRawPath().equals("/"))
                    || upstream.getRawQuery() != null || upstream.getRawFragment() != null) {
                throw new IllegalArgumentException("--upstream: " + upstream
                        + " (expected: http://host[:port] or https://host[:port], without a path)");
            }
        }
        positive("--upstream-timeout", upstreamTimeout);
        if (maxProxyBodyBytes < 0) {
            throw new IllegalArgumentException("--max-body: " + maxProxyBodyBytes + " (expected: >= 0)");
        }
        positive("--idle-timeout", idleTimeout);
    }

    /** The SPEC's defaults, with no upstream. */
    public static GatewaySettings defaults() {
        return new GatewaySettings(DEFAULT_CACHE_TTL, DEFAULT_NEGATIVE_TTL, DEFAULT_STALE_IF_ERROR,
                DEFAULT_CACHE_MAX_KEYS, DEFAULT_USAGE_FLUSH, DEFAULT_STORE_TIMEOUT, null, DEFAULT_UPSTREAM_TIMEOUT,
                DEFAULT_MAX_PROXY_BODY_BYTES, DEFAULT_IDLE_TIMEOUT);
    }

    /** A copy with another upstream. */
    public GatewaySettings withUpstream(URI newUpstream) {
        return new GatewaySettings(cacheTtl, negativeTtl, staleIfError, cacheMaxKeys, usageFlush, storeTimeout,
                newUpstream, upstreamTimeout, maxProxyBodyBytes, idleTimeout);
    }

    private static void positive(String option, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + ": " + describe(value) + " (expected: > 0)");
        }
    }

    private static String describe(Duration value) {
        return value == null ? "missing" : Durations.format(value);
    }

    private static void notNegative(String option, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(option + ": " + describe(value) + " (expected: >= 0)");
        }
    }
}
