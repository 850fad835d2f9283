package dev.widgetedge.gateway;

import java.time.Duration;

/**
 * How the gateway caches decisions.
 *
 * @param ttl          how long a cached decision is used before it is revalidated
 * @param negativeTtl  how long an unknown key is remembered as unknown
 * @param staleIfError how long past {@code ttl} an allowed decision keeps serving while the store
 *                     is unreachable
 * @param maxKeys      the most known keys cached (W-TinyLFU eviction beyond)
 * @param negativeMaxKeys the most unknown keys remembered, in a cache of their own
 * @param keyFilterRebuild how often the existence filter is rebuilt from the store (to forget
 *                     deleted keys), besides after every resubscription and when it fills up
 */
public record CacheSettings(Duration ttl, Duration negativeTtl, Duration staleIfError, long maxKeys,
        long negativeMaxKeys, Duration keyFilterRebuild) {

    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STALE_IF_ERROR = Duration.ofMinutes(5);
    public static final long DEFAULT_MAX_KEYS = 1_000_000;
    public static final long DEFAULT_NEGATIVE_MAX_KEYS = 100_000;
    public static final Duration DEFAULT_KEY_FILTER_REBUILD = Duration.ofHours(1);

    public CacheSettings {
        SettingsChecks.positive("--cache-ttl", ttl);
        SettingsChecks.positive("--negative-ttl", negativeTtl);
        SettingsChecks.notNegative("--stale-if-error", staleIfError);
        SettingsChecks.atLeast("--cache-max-keys", maxKeys, 1);
        SettingsChecks.atLeast("--negative-max-keys", negativeMaxKeys, 1);
        SettingsChecks.positive("--key-filter-rebuild", keyFilterRebuild);
    }
}
