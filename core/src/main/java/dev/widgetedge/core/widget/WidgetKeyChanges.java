package dev.widgetedge.core.widget;

import java.time.Instant;
import java.util.List;

/**
 * The user-settable changes of one update, already validated and normalized; build them with
 * {@link #builder()}. An unset field means "leave as is"; {@code agentId} and {@code expiresAt}
 * carry a separate flag because {@code null} is a value there (unpin, never expire).
 *
 * @param name            new name, or {@code null} to keep it
 * @param domainAllowlist new normalized allowlist (replaces the old one), or {@code null}
 * @param agentIdSet      whether the request named {@code agent_id} at all
 * @param agentId         the new agent id, {@code null} to unpin; ignored unless {@code agentIdSet}
 * @param expiresAtSet    whether the request named {@code expires_at} at all
 * @param expiresAt       the new expiry, {@code null} for never; ignored unless {@code expiresAtSet}
 * @param mode            the new mode, or {@code null} to keep it
 * @param rateLimits      the new rate limits (both replaced; {@link RateLimits#DEFAULTS} for the
 *                        gateway's), or {@code null} to keep them
 * @param disabled        {@code true} disables, {@code false} re-enables, {@code null} keeps
 */
public record WidgetKeyChanges(String name, List<String> domainAllowlist, boolean agentIdSet, String agentId,
        boolean expiresAtSet, Instant expiresAt, KeyMode mode, RateLimits rateLimits, Boolean disabled) {

    /** No change at all. */
    public static final WidgetKeyChanges NONE = builder().build();

    /** The change a soft delete makes. */
    public static final WidgetKeyChanges DISABLE = builder().disabled(true).build();

    public WidgetKeyChanges {
        domainAllowlist = domainAllowlist == null ? null : List.copyOf(domainAllowlist);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code settings} with these changes applied (disabling is not a setting: see {@link WidgetKey#apply}). */
    KeySettings applyTo(KeySettings settings) {
        return new KeySettings(
                name != null ? name : settings.name(),
                agentIdSet ? agentId : settings.agentId(),
                domainAllowlist != null ? domainAllowlist : settings.domainAllowlist(),
                expiresAtSet ? expiresAt : settings.expiresAt(),
                mode != null ? mode : settings.mode(),
                rateLimits != null ? rateLimits : settings.rateLimits());
    }

    /** Collects changes one field at a time. */
    public static final class Builder {

        private String name;
        private List<String> domainAllowlist;
        private boolean agentIdSet;
        private String agentId;
        private boolean expiresAtSet;
        private Instant expiresAt;
        private KeyMode mode;
        private RateLimits rateLimits;
        private Boolean disabled;

        private Builder() {
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder domainAllowlist(List<String> value) {
            domainAllowlist = value;
            return this;
        }

        /** Pins the key to {@code value}; {@code null} unpins it. */
        public Builder agentId(String value) {
            agentIdSet = true;
            agentId = value;
            return this;
        }

        /** Expires the key at {@code value}; {@code null} makes it never expire. */
        public Builder expiresAt(Instant value) {
            expiresAtSet = true;
            expiresAt = value;
            return this;
        }

        public Builder mode(KeyMode value) {
            mode = value;
            return this;
        }

        public Builder rateLimits(RateLimits value) {
            rateLimits = value;
            return this;
        }

        public Builder disabled(Boolean value) {
            disabled = value;
            return this;
        }

        public WidgetKeyChanges build() {
            return new WidgetKeyChanges(name, domainAllowlist, agentIdSet, agentId, expiresAtSet, expiresAt, mode,
                    rateLimits, disabled);
        }
    }
}
