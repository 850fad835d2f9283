package dev.widgetedge.core.widget;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a user sets on a key: everything create and PATCH may change and rotation copies (but for
 * {@code expiresAt}, which a rotated key does not inherit). Values are already validated and
 * normalized. A new user-settable field of a key goes here.
 *
 * @param name            a human label, trimmed
 * @param agentId         the pinned agent, or {@code null} when unpinned
 * @param domainAllowlist normalized origin patterns; empty allows no origin
 * @param expiresAt       from when the gateway refuses the key, or {@code null} for never
 * @param mode            enforce the allowlist or only report what it would refuse
 * @param rateLimits      the key's own rate limits ({@link RateLimits#DEFAULTS}: the gateway's)
 */
public record KeySettings(String name, String agentId, List<String> domainAllowlist, Instant expiresAt, KeyMode mode,
        RateLimits rateLimits) {

    public KeySettings {
        Objects.requireNonNull(name, "name");
        domainAllowlist = List.copyOf(domainAllowlist);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(rateLimits, "rateLimits");
    }

    /** A new key's settings: no agent, the given allowlist, no expiry, enforced, the gateway's limits. */
    public static KeySettings of(String name, String agentId, List<String> domainAllowlist) {
        return new KeySettings(name, agentId, domainAllowlist, null, KeyMode.ENFORCE, RateLimits.DEFAULTS);
    }

    public KeySettings withExpiresAt(Instant value) {
        return new KeySettings(name, agentId, domainAllowlist, value, mode, rateLimits);
    }

    public KeySettings withMode(KeyMode value) {
        return new KeySettings(name, agentId, domainAllowlist, expiresAt, value, rateLimits);
    }

    public KeySettings withRateLimits(RateLimits value) {
        return new KeySettings(name, agentId, domainAllowlist, expiresAt, mode, value);
    }
}
