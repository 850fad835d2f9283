package dev.widgetedge.gateway;

import java.time.Duration;

/**
 * How the gateway caches decisions.
 *
 * @param ttl          how long a cached decision is used before it is revalidated
 * @param negativeTtl  how long an unknown key is remembered as unknown
 * @param staleIfError how long past {@code ttl} an allowed decision keeps serving while the store
 *                     is unreachable
 * @param maxKeys      the most keys cached (W-TinyLFU eviction beyond)
 */
public record CacheSettings(Duration ttl, Duration negativeTtl, Duration staleIfError, long maxKeys) {

    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STALE_IF_ERROR = Duration.ofMinutes(5);
    public static final long DEFAULT_MAX_KEYS = 1_000_000;

    public CacheSettings {
        SettingsChecks.positive("--cache-ttl", ttl);
        SettingsChecks.positive("--negative-ttl", negativeTtl);
        SettingsChecks.notNegative("--stale-if-error", staleIfError);
        SettingsChecks.atLeast("--cache-max-keys", maxKeys, 1);
    }
}
