package dev.widgetedge.app;

import dev.widgetedge.gateway.CacheSettings;
import dev.widgetedge.gateway.ClientAddressSettings;
import dev.widgetedge.gateway.ConnectionSettings;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.RateLimitSettings;
import dev.widgetedge.gateway.UpstreamSettings;
import dev.widgetedge.gateway.client.ProxyProtocol;
import dev.widgetedge.gateway.client.TrustedProxies;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The gateway's tunables, shared by {@code gateway} and {@code dev}. Each default is the settings
 * group's named constant (the field's initial value), so the command line, {@code --help} and
 * the settings cannot disagree.
 */
final class GatewayOptions {

    @Option(names = "--upstream", paramLabel = "URL",
            description = "Widget backend that /v1/widget/** is proxied to, e.g. http://backend:3000 (none: 404).")
    String upstream;

    @Option(names = "--upstream-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the upstream's response headers before 504 (default: ${DEFAULT-VALUE}).")
    Duration upstreamTimeout = UpstreamSettings.DEFAULT_TIMEOUT;

    @Option(names = "--upstream-max-connections", paramLabel = "N", converter = CountConverter.class,
            description = "The most connections open to the upstream at once, split evenly across the I/O threads "
                    + "(default: ${DEFAULT-VALUE}).")
    long upstreamMaxConnections = UpstreamSettings.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--upstream-max-pending", paramLabel = "N", converter = CountConverter.class,
            description = "The most requests waiting for an upstream connection when all are in use; more get 502 "
                    + "(default: ${DEFAULT-VALUE}).")
    long upstreamMaxPending = UpstreamSettings.DEFAULT_MAX_PENDING;

    @Option(names = "--upstream-idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long an idle upstream connection is kept; keep it below the upstream's own keep-alive "
                    + "timeout (default: ${DEFAULT-VALUE}).")
    Duration upstreamIdleTimeout = UpstreamSettings.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--no-upstream-retry",
            description = "Never send a request twice; by default an idempotent request is sent once more when a "
                    + "reused upstream connection closes before answering.")
    boolean noUpstreamRetry = !UpstreamSettings.DEFAULT_RETRY_IDEMPOTENT;

    @Option(names = "--cache-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a cached decision is used before it is revalidated (default: ${DEFAULT-VALUE}).")
    Duration cacheTtl = CacheSettings.DEFAULT_TTL;

    @Option(names = "--negative-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long an unknown key is remembered as unknown (default: ${DEFAULT-VALUE}).")
    Duration negativeTtl = CacheSettings.DEFAULT_NEGATIVE_TTL;

    @Option(names = "--stale-if-error", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long past its TTL an allowed decision serves while the store is down (default: ${DEFAULT-VALUE}).")
    Duration staleIfError = CacheSettings.DEFAULT_STALE_IF_ERROR;

    @Option(names = "--cache-max-keys", paramLabel = "N", converter = CountConverter.class,
            description = "The most keys cached (default: ${DEFAULT-VALUE}).")
    long cacheMaxKeys = CacheSettings.DEFAULT_MAX_KEYS;

    @Option(names = "--negative-max-keys", paramLabel = "N", converter = CountConverter.class,
            description = "The most unknown keys remembered, in a cache of their own (default: ${DEFAULT-VALUE}).")
    long negativeMaxKeys = CacheSettings.DEFAULT_NEGATIVE_MAX_KEYS;

    @Option(names = "--key-filter-rebuild", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the existence filter of known keys is rebuilt from the store, to forget "
                    + "deleted keys (default: ${DEFAULT-VALUE}).")
    Duration keyFilterRebuild = CacheSettings.DEFAULT_KEY_FILTER_REBUILD;

    @Option(names = "--usage-flush", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often last_used_at is written back (default: ${DEFAULT-VALUE}).")
    Duration usageFlush = GatewaySettings.DEFAULT_USAGE_FLUSH;

    @Option(names = "--report-flush", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the origin report's counts are written to the store, and at every UTC hour "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration reportFlush = GatewaySettings.DEFAULT_REPORT_FLUSH;

    @Option(names = "--max-body", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "The largest request body proxied; larger gets 413 (default: ${DEFAULT-VALUE}).")
    long maxBody = UpstreamSettings.DEFAULT_MAX_BODY_BYTES;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a client connection may stay quiet before it is closed (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout = ConnectionSettings.DEFAULT_IDLE_TIMEOUT;

    @Mixin
    HeaderTimeoutOption headerTimeout;

    @Option(names = "--trusted-proxies", paramLabel = "CIDRS", converter = TrustedProxiesConverter.class,
            description = "Load balancers and proxies in front of the gateway, as comma-separated CIDRs (or none): "
                    + "their X-Forwarded-For and X-Forwarded-Proto are believed (default: ${DEFAULT-VALUE}).")
    TrustedProxies trustedProxies = ClientAddressSettings.DEFAULT_TRUSTED_PROXIES;

    @Option(names = "--proxy-protocol", paramLabel = "off|v1|v2|any", converter = ProxyProtocolConverter.class,
            description = "Require an HAProxy PROXY protocol header of this version on every connection to the public "
                    + "port; connections without one are closed (default: ${DEFAULT-VALUE}).")
    ProxyProtocol proxyProtocol = ClientAddressSettings.DEFAULT_PROXY_PROTOCOL;

    @Option(names = "--client-rate-limit", paramLabel = "N", converter = CountConverter.class,
            description = "Requests per minute per key and client address, for keys that set none; 0 is unlimited "
                    + "(default: ${DEFAULT-VALUE}).")
    long clientRateLimit = RateLimitSettings.DEFAULT_CLIENT_PER_MINUTE;

    @Option(names = "--key-rate-limit", paramLabel = "N", converter = CountConverter.class,
            description = "Requests per minute per key from all clients, for keys that set none; 0 is unlimited "
                    + "(default: ${DEFAULT-VALUE}).")
    long keyRateLimit = RateLimitSettings.DEFAULT_KEY_PER_MINUTE;

    @Option(names = "--miss-rate-limit", paramLabel = "N", converter = CountConverter.class,
            description = "Requests per minute per client address whose key is missing, invalid or unknown; over it, "
                    + "every request of that address is 429 without a lookup; 0 is off (default: ${DEFAULT-VALUE}).")
    long missRateLimit = RateLimitSettings.DEFAULT_MISS_PER_MINUTE;

    @Option(names = "--rate-limit-max-subjects", paramLabel = "N", converter = CountConverter.class,
            description = "The most rate-limit counters kept in memory (per key, key and client, client's misses); the "
                    + "least used are forgotten beyond (default: ${DEFAULT-VALUE}).")
    long rateLimitMaxSubjects = RateLimitSettings.DEFAULT_MAX_SUBJECTS;

    /** The options as {@code dev} starts them: it trusts this machine's own proxies. */
    static GatewayOptions forDev() {
        GatewayOptions options = new GatewayOptions();
        options.trustedProxies = TrustedProxies.loopback();
        return options;
    }

    /** The validated settings; a bad value is a {@link UsageError} naming the option. */
    GatewaySettings settings(Duration storeTimeout) {
        URI upstreamUri = null;
        if (upstream != null && !upstream.isBlank()) {
            try {
                upstreamUri = new URI(upstream.trim());
            } catch (URISyntaxException e) {
                throw new UsageError("--upstream", upstream, "http://host[:port] or https://host[:port]");
            }
        }
        try {
            return GatewaySettings.builder()
                    .cacheTtl(cacheTtl)
                    .negativeTtl(negativeTtl)
                    .staleIfError(staleIfError)
                    .cacheMaxKeys(cacheMaxKeys)
                    .negativeMaxKeys(negativeMaxKeys)
                    .keyFilterRebuild(keyFilterRebuild)
                    .usageFlush(usageFlush)
                    .reportFlush(reportFlush)
                    .storeTimeout(storeTimeout)
                    .upstream(upstreamUri)
                    .upstreamTimeout(upstreamTimeout)
                    .maxProxyBodyBytes(maxBody)
                    .upstreamMaxConnections(upstreamMaxConnections)
                    .upstreamMaxPending(upstreamMaxPending)
                    .upstreamIdleTimeout(upstreamIdleTimeout)
                    .upstreamRetryIdempotent(!noUpstreamRetry)
                    .idleTimeout(idleTimeout)
                    .headerTimeout(headerTimeout.headerTimeout)
                    .trustedProxies(trustedProxies)
                    .proxyProtocol(proxyProtocol)
                    .clientRateLimit(clientRateLimit)
                    .keyRateLimit(keyRateLimit)
                    .missRateLimit(missRateLimit)
                    .rateLimitMaxSubjects(rateLimitMaxSubjects)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
