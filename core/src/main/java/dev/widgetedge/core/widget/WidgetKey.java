package dev.widgetedge.core.widget;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A widget key as the admin API shows it: everything but the plaintext key, which is never
 * stored. What users set is in {@link #settings()}; the rest is set by the server.
 *
 * @param id          the key's id, derived from the key (see {@code KeyDigest#keyId})
 * @param accountId   the owning account
 * @param keyLast8    the last 8 characters of the plaintext key
 * @param settings    name, agent, allowlist, expiry, mode and rate limits
 * @param createdAt   creation time, millisecond precision
 * @param updatedAt   time of the last change a user made (a rotation included)
 * @param disabledAt  when the key was disabled, or {@code null} while enabled
 * @param lastUsedAt  when the gateway last served it, or {@code null} if never used
 * @param rotatedFrom the key this one replaced in a rotation, or {@code null}
 * @param replacedBy  the key that replaced this one in its latest rotation, or {@code null}
 */
public record WidgetKey(
        UUID id,
        String accountId,
        String keyLast8,
        KeySettings settings,
        Instant createdAt,
        Instant updatedAt,
        Instant disabledAt,
        Instant lastUsedAt,
        UUID rotatedFrom,
        UUID replacedBy) {

    public WidgetKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(keyLast8, "keyLast8");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A key created at {@code now}: enabled, never used, replaced by nothing. */
    public static WidgetKey created(UUID id, String accountId, String keyLast8, KeySettings settings, Instant now,
            UUID rotatedFrom) {
        return new WidgetKey(id, accountId, keyLast8, settings, now, now, null, null, rotatedFrom, null);
    }

    public String name() {
        return settings.name();
    }

    public String agentId() {
        return settings.agentId();
    }

    public List<String> domainAllowlist() {
        return settings.domainAllowlist();
    }

    public Instant expiresAt() {
        return settings.expiresAt();
    }

    public KeyMode mode() {
        return settings.mode();
    }

    public RateLimits rateLimits() {
        return settings.rateLimits();
    }

    /** Whether the key is disabled (revoked); a disabled key is refused by the gateway. */
    public boolean disabled() {
        return disabledAt != null;
    }

    /** Whether the key has expired by {@code now}: the gateway refuses it from {@code expiresAt} on. */
    public boolean expiredAt(Instant now) {
        return settings.expiresAt() != null && !now.isBefore(settings.expiresAt());
    }

    /**
     * Applies a user's changes. {@code updatedAt} moves to {@code now} only when something
     * actually changed, so a repeated identical PATCH is a no-op; disabling keeps the first
     * {@code disabledAt} (idempotent revocation).
     *
     * @return this instance when nothing changed, otherwise the changed copy
     */
    public WidgetKey apply(WidgetKeyChanges changes, Instant now) {
        KeySettings nextSettings = changes.applyTo(settings);
        Instant nextDisabledAt = disabledAt;
        if (Boolean.TRUE.equals(changes.disabled()) && disabledAt == null) {
            nextDisabledAt = now;
        } else if (Boolean.FALSE.equals(changes.disabled())) {
            nextDisabledAt = null;
        }
        if (nextSettings.equals(settings) && Objects.equals(nextDisabledAt, disabledAt)) {
            return this;
        }
        return new WidgetKey(id, accountId, keyLast8, nextSettings, createdAt, now, nextDisabledAt, lastUsedAt,
                rotatedFrom, replacedBy);
    }

    /**
     * This key as a rotation at {@code now} leaves it: replaced by {@code successor}, and expiring at
     * {@code now + grace} unless it expires sooner already.
     */
    public WidgetKey rotatedTo(UUID successor, Instant now, Duration grace) {
        Instant deadline = now.plus(grace);
        Instant nextExpiry = settings.expiresAt() != null && settings.expiresAt().isBefore(deadline)
                ? settings.expiresAt()
                : deadline;
        return new WidgetKey(id, accountId, keyLast8, settings.withExpiresAt(nextExpiry), createdAt, now, disabledAt,
                lastUsedAt, rotatedFrom, successor);
    }

    /** This key with {@code lastUsedAt} replaced; use is recorded by the gateway, not by users. */
    public WidgetKey withLastUsedAt(Instant usedAt) {
        return new WidgetKey(id, accountId, keyLast8, settings, createdAt, updatedAt, disabledAt, usedAt, rotatedFrom,
                replacedBy);
    }

    /** This key marked as disabled at {@code now}, or this instance if it already is. */
    public WidgetKey disable(Instant now) {
        return apply(WidgetKeyChanges.DISABLE, now);
    }
}
