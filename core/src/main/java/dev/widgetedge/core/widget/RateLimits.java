package dev.widgetedge.core.widget;

/**
 * A key's own rate limits, in requests per minute across all gateways; {@code null} for a limit
 * means the gateway's default ({@code --client-rate-limit}, {@code --key-rate-limit}).
 *
 * @param perClientPerMinute requests per minute from one client address with this key, or {@code null}
 * @param perKeyPerMinute    requests per minute with this key from all clients, or {@code null}
 */
public record RateLimits(Integer perClientPerMinute, Integer perKeyPerMinute) {

    /** The smallest limit a key may set. */
    public static final int MIN = 1;
    /** The largest limit a key may set. */
    public static final int MAX = 1_000_000;
    /** Both limits at the gateway's defaults. */
    public static final RateLimits DEFAULTS = new RateLimits(null, null);

    /**
     * @throws IllegalArgumentException naming the limit that is out of {@value #MIN}–{@value #MAX}
     */
    public RateLimits {
        check("per_client_per_minute", perClientPerMinute);
        check("per_key_per_minute", perKeyPerMinute);
    }

    private static void check(String field, Integer value) {
        if (value != null && (value < MIN || value > MAX)) {
            throw new IllegalArgumentException(field + " must be " + MIN + "-" + MAX + " or null, not " + value);
        }
    }

    /** This key's per-client limit, or {@code gatewayDefault} when it sets none; {@code 0} is unlimited. */
    public int perClient(int gatewayDefault) {
        return perClientPerMinute == null ? gatewayDefault : perClientPerMinute;
    }

    /** This key's per-key limit, or {@code gatewayDefault} when it sets none; {@code 0} is unlimited. */
    public int perKey(int gatewayDefault) {
        return perKeyPerMinute == null ? gatewayDefault : perKeyPerMinute;
    }
}
