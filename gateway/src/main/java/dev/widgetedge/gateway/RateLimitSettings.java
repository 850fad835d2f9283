package dev.widgetedge.gateway;

import java.time.Duration;

/**
 * The gateway's rate limits ({@code docs/rate-limits.md}): the defaults for keys that set none, the
 * miss limit, and how much memory the counts may take. Limits are requests per window; the window
 * is a minute, as the limits' names say ({@code per_client_per_minute}), and only tests shorten it
 * (with its sync interval) to compress time, which is why neither is a command-line option.
 *
 * @param clientPerMinute default requests per window per key and client address ({@code 0}: unlimited)
 * @param keyPerMinute    default requests per window per key from all clients ({@code 0}: unlimited)
 * @param missPerMinute   requests per window per client address whose key is missing, invalid or
 *                        unknown ({@code 0}: unlimited)
 * @param maxSubjects     the most counters kept (one per key, per key and client, per client's
 *                        misses); the least used are forgotten beyond
 * @param window          the window the limits count over
 * @param buckets         how many buckets the window is counted in
 * @param syncInterval    how often the counts are shared with the other gateways through the store
 */
public record RateLimitSettings(long clientPerMinute, long keyPerMinute, long missPerMinute, long maxSubjects,
        Duration window, int buckets, Duration syncInterval) {

    public static final long DEFAULT_CLIENT_PER_MINUTE = 600;
    public static final long DEFAULT_KEY_PER_MINUTE = 0;
    public static final long DEFAULT_MISS_PER_MINUTE = 120;
    public static final long DEFAULT_MAX_SUBJECTS = 200_000;
    public static final int MAX_LIMIT = 1_000_000;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** Two-second buckets: counts leave the window at most two seconds late, never early. */
    public static final int BUCKETS = 30;
    public static final Duration SYNC_INTERVAL = Duration.ofMillis(250);

    public RateLimitSettings {
        limit("--client-rate-limit", clientPerMinute);
        limit("--key-rate-limit", keyPerMinute);
        limit("--miss-rate-limit", missPerMinute);
        SettingsChecks.atLeast("--rate-limit-max-subjects", maxSubjects, 1);
        SettingsChecks.positive("rate-limit window", window);
        if (buckets < 1 || window.toMillis() % buckets != 0) {
            throw new IllegalArgumentException("rate-limit buckets: " + buckets
                    + " (expected: >= 1, dividing the window into whole milliseconds)");
        }
        SettingsChecks.positive("rate-limit sync interval", syncInterval);
    }

    /** Every default, with a one-minute window. */
    public static RateLimitSettings defaults() {
        return new RateLimitSettings(DEFAULT_CLIENT_PER_MINUTE, DEFAULT_KEY_PER_MINUTE, DEFAULT_MISS_PER_MINUTE,
                DEFAULT_MAX_SUBJECTS, WINDOW, BUCKETS, SYNC_INTERVAL);
    }

    /** How long one bucket lasts. */
    public long bucketMillis() {
        return window.toMillis() / buckets;
    }

    private static void limit(String option, long value) {
        if (value < 0 || value > MAX_LIMIT) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: 0 for unlimited, or 1-"
                    + MAX_LIMIT + " requests per minute)");
        }
    }
}
