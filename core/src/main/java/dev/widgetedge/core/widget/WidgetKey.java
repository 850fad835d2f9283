package dev.widgetedge.core.widget;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A widget key as the admin API shows it: everything but the plaintext key, which is never
 * stored.
 *
 * @param id              the key's id, derived from the key (see {@code KeyDigest#keyId})
 * @param accountId       the owning account
 * @param name            a human label, already trimmed and validated
 * @param agentId         the pinned agent, or {@code null} when unpinned
 * @param domainAllowlist normalized origin patterns; empty allows no origin
 * @param keyLast8        the last 8 characters of the plaintext key
 * @param createdAt       creation time, millisecond precision
 * @param updatedAt       time of the last change a user made
 * @param disabledAt      when the key was disabled, or {@code null} while enabled
 * @param lastUsedAt      when the gateway last served it, or {@code null} if never used
 */
public record WidgetKey(
        UUID id,
        String accountId,
        String name,
        String agentId,
        List<String> domainAllowlist,
        String keyLast8,
        Instant createdAt,
        Instant updatedAt,
        Instant disabledAt,
        Instant lastUsedAt) {

    public WidgetKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(name, "name");
        domainAllowlist = List.copyOf(domainAllowlist);
        Objects.requireNonNull(keyLast8, "keyLast8");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Whether the key is disabled (revoked); a disabled key is refused by the gateway. */
    public boolean disabled() {
        return disabledAt != null;
    }

    /**
     * Applies a user's changes. {@code updatedAt} moves to {@code now} only when something
     * actually changed, so a repeated identical PATCH is a no-op; disabling keeps the first
     * {@code disabledAt} (idempotent revocation).
     *
     * @return this instance when nothing changed, otherwise the changed copy
     */
    public WidgetKey apply(WidgetKeyChanges changes, Instant now) {
        String nextName = changes.name() != null ? changes.name() : name;
        List<String> nextAllowlist =
                changes.domainAllowlist() != null ? changes.domainAllowlist() : domainAllowlist;
        String nextAgent = changes.agentIdSet() ? changes.agentId() : agentId;
        Instant nextDisabledAt = disabledAt;
        if (Boolean.TRUE.equals(changes.disabled()) && disabledAt == null) {
            nextDisabledAt = now;
        } else if (Boolean.FALSE.equals(changes.disabled())) {
            nextDisabledAt = null;
        }
        if (nextName.equals(name) && nextAllowlist.equals(domainAllowlist)
                && Objects.equals(nextAgent, agentId) && Objects.equals(nextDisabledAt, disabledAt)) {
            return this;
        }
        return new WidgetKey(id, accountId, nextName, nextAgent, nextAllowlist, keyLast8,
                createdAt, now, nextDisabledAt, lastUsedAt);
    }

    /** This key with {@code lastUsedAt} replaced; use is recorded by the gateway, not by users. */
    public WidgetKey withLastUsedAt(Instant usedAt) {
        return new WidgetKey(id, accountId, name, agentId, domainAllowlist, keyLast8, createdAt, updatedAt,
                disabledAt, usedAt);
    }

    /** This key marked as disabled at {@code now}, or this instance if it already is. */
    public WidgetKey disable(Instant now) {
        return apply(WidgetKeyChanges.DISABLE, now);
    }
}
