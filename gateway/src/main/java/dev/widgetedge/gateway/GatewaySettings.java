package dev.widgetedge.gateway;

import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.gateway.client.ProxyProtocol;
import dev.widgetedge.gateway.client.TrustedProxies;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's tunables, grouped by concern and validated once at start-up (each group checks
 * its own values). Defaults are named constants in the groups; the command line takes its
 * defaults from them.
 *
 * @param cache        how decisions are cached
 * @param upstream     where and how {@code /v1/widget/**} is proxied
 * @param connections  how client connections are treated
 * @param clientAddress how a request's client address is learnt
 * @param rateLimits   the rate limits and their defaults
 * @param usageFlush   how often {@code last_used_at} marks are written back
 * @param reportFlush  how often the origin report's counts are written back (and at every UTC hour)
 * @param storeTimeout the bound on one store call (also bounds how long a load can race)
 */
public record GatewaySettings(
        CacheSettings cache,
        UpstreamSettings upstream,
        ConnectionSettings connections,
        ClientAddressSettings clientAddress,
        RateLimitSettings rateLimits,
        Duration usageFlush,
        Duration reportFlush,
        Duration storeTimeout) {

    public static final Duration DEFAULT_USAGE_FLUSH = Duration.ofSeconds(1);
    public static final Duration DEFAULT_REPORT_FLUSH = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STORE_TIMEOUT = RedisConnector.DEFAULT_STORE_TIMEOUT;

    public GatewaySettings {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(rateLimits, "rateLimits");
        SettingsChecks.positive("--usage-flush", usageFlush);
        SettingsChecks.positive("--report-flush", reportFlush);
        SettingsChecks.positive("--store-timeout", storeTimeout);
    }

    /** Every default, with no upstream. */
    public static GatewaySettings defaults() {
        return builder().build();
    }

    /** A builder that starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder()
                .cacheTtl(cache.ttl())
                .negativeTtl(cache.negativeTtl())
                .staleIfError(cache.staleIfError())
                .cacheMaxKeys(cache.maxKeys())
                .negativeMaxKeys(cache.negativeMaxKeys())
                .keyFilterRebuild(cache.keyFilterRebuild())
                .upstream(upstream.uri())
                .upstreamTimeout(upstream.timeout())
                .maxProxyBodyBytes(upstream.maxBodyBytes())
                .upstreamMaxConnections(upstream.maxConnections())
                .upstreamMaxPending(upstream.maxPending())
                .upstreamIdleTimeout(upstream.idleTimeout())
                .upstreamRetryIdempotent(upstream.retryIdempotent())
                .idleTimeout(connections.idleTimeout())
                .headerTimeout(connections.headerTimeout())
                .trustedProxies(clientAddress.trustedProxies())
                .proxyProtocol(clientAddress.proxyProtocol())
                .clientRateLimit(rateLimits.clientPerMinute())
                .keyRateLimit(rateLimits.keyPerMinute())
                .missRateLimit(rateLimits.missPerMinute())
                .rateLimitMaxSubjects(rateLimits.maxSubjects())
                .rateLimitWindow(rateLimits.window(), rateLimits.buckets(), rateLimits.syncInterval())
                .usageFlush(usageFlush)
                .reportFlush(reportFlush)
                .storeTimeout(storeTimeout);
    }

    /** Builds settings one option at a time; {@link #build} validates them all. */
    public static final class Builder {

        private Duration cacheTtl = CacheSettings.DEFAULT_TTL;
        private Duration negativeTtl = CacheSettings.DEFAULT_NEGATIVE_TTL;
        private Duration staleIfError = CacheSettings.DEFAULT_STALE_IF_ERROR;
        private long cacheMaxKeys = CacheSettings.DEFAULT_MAX_KEYS;
        private long negativeMaxKeys = CacheSettings.DEFAULT_NEGATIVE_MAX_KEYS;
        private Duration keyFilterRebuild = CacheSettings.DEFAULT_KEY_FILTER_REBUILD;
        private URI upstream;
        private Duration upstreamTimeout = UpstreamSettings.DEFAULT_TIMEOUT;
        private long maxProxyBodyBytes = UpstreamSettings.DEFAULT_MAX_BODY_BYTES;
        private long upstreamMaxConnections = UpstreamSettings.DEFAULT_MAX_CONNECTIONS;
        private long upstreamMaxPending = UpstreamSettings.DEFAULT_MAX_PENDING;
        private Duration upstreamIdleTimeout = UpstreamSettings.DEFAULT_IDLE_TIMEOUT;
        private boolean upstreamRetryIdempotent = UpstreamSettings.DEFAULT_RETRY_IDEMPOTENT;
        private Duration idleTimeout = ConnectionSettings.DEFAULT_IDLE_TIMEOUT;
        private Duration headerTimeout = ConnectionSettings.DEFAULT_HEADER_TIMEOUT;
        private TrustedProxies trustedProxies = ClientAddressSettings.DEFAULT_TRUSTED_PROXIES;
        private ProxyProtocol proxyProtocol = ClientAddressSettings.DEFAULT_PROXY_PROTOCOL;
        private long clientRateLimit = RateLimitSettings.DEFAULT_CLIENT_PER_MINUTE;
        private long keyRateLimit = RateLimitSettings.DEFAULT_KEY_PER_MINUTE;
        private long missRateLimit = RateLimitSettings.DEFAULT_MISS_PER_MINUTE;
        private long rateLimitMaxSubjects = RateLimitSettings.DEFAULT_MAX_SUBJECTS;
        private Duration rateLimitWindow = RateLimitSettings.WINDOW;
        private int rateLimitBuckets = RateLimitSettings.BUCKETS;
        private Duration rateLimitSync = RateLimitSettings.SYNC_INTERVAL;
        private Duration usageFlush = DEFAULT_USAGE_FLUSH;
        private Duration reportFlush = DEFAULT_REPORT_FLUSH;
        private Duration storeTimeout = DEFAULT_STORE_TIMEOUT;

        private Builder() {
        }

        public Builder cacheTtl(Duration value) {
            cacheTtl = value;
            return this;
        }

        public Builder negativeTtl(Duration value) {
            negativeTtl = value;
            return this;
        }

        public Builder staleIfError(Duration value) {
            staleIfError = value;
            return this;
        }

        public Builder cacheMaxKeys(long value) {
            cacheMaxKeys = value;
            return this;
        }

        public Builder negativeMaxKeys(long value) {
            negativeMaxKeys = value;
            return this;
        }

        public Builder keyFilterRebuild(Duration value) {
            keyFilterRebuild = value;
            return this;
        }

        /** The upstream, or {@code null} for none. */
        public Builder upstream(URI value) {
            upstream = value;
            return this;
        }

        public Builder upstreamTimeout(Duration value) {
            upstreamTimeout = value;
            return this;
        }

        public Builder maxProxyBodyBytes(long value) {
            maxProxyBodyBytes = value;
            return this;
        }

        public Builder upstreamMaxConnections(long value) {
            upstreamMaxConnections = value;
            return this;
        }

        public Builder upstreamMaxPending(long value) {
            upstreamMaxPending = value;
            return this;
        }

        public Builder upstreamIdleTimeout(Duration value) {
            upstreamIdleTimeout = value;
            return this;
        }

        public Builder upstreamRetryIdempotent(boolean value) {
            upstreamRetryIdempotent = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder headerTimeout(Duration value) {
            headerTimeout = value;
            return this;
        }

        public Builder trustedProxies(TrustedProxies value) {
            trustedProxies = value;
            return this;
        }

        public Builder proxyProtocol(ProxyProtocol value) {
            proxyProtocol = value;
            return this;
        }

        public Builder clientRateLimit(long value) {
            clientRateLimit = value;
            return this;
        }

        public Builder keyRateLimit(long value) {
            keyRateLimit = value;
            return this;
        }

        public Builder missRateLimit(long value) {
            missRateLimit = value;
            return this;
        }

        public Builder rateLimitMaxSubjects(long value) {
            rateLimitMaxSubjects = value;
            return this;
        }

        /**
         * The rate limits' window, its buckets and how often counts are shared: a minute, 30 and
         * 250 ms in production; tests shorten them all to compress time (no command-line option).
         */
        public Builder rateLimitWindow(Duration window, int buckets, Duration syncInterval) {
            rateLimitWindow = window;
            rateLimitBuckets = buckets;
            rateLimitSync = syncInterval;
            return this;
        }

        public Builder usageFlush(Duration value) {
            usageFlush = value;
            return this;
        }

        public Builder reportFlush(Duration value) {
            reportFlush = value;
            return this;
        }

        public Builder storeTimeout(Duration value) {
            storeTimeout = value;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming the first option whose value is out of range
         */
        public GatewaySettings build() {
            return new GatewaySettings(
                    new CacheSettings(cacheTtl, negativeTtl, staleIfError, cacheMaxKeys, negativeMaxKeys,
                            keyFilterRebuild),
                    new UpstreamSettings(upstream, upstreamTimeout, maxProxyBodyBytes, upstreamMaxConnections,
                            upstreamMaxPending, upstreamIdleTimeout, upstreamRetryIdempotent),
                    new ConnectionSettings(idleTimeout, headerTimeout),
                    new ClientAddressSettings(trustedProxies, proxyProtocol),
                    new RateLimitSettings(clientRateLimit, keyRateLimit, missRateLimit, rateLimitMaxSubjects,
                            rateLimitWindow, rateLimitBuckets, rateLimitSync),
                    usageFlush,
                    reportFlush,
                    storeTimeout);
        }
    }
}
