package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.core.widget.KeyMode;
import dev.widgetedge.core.widget.WidgetKey;

/**
 * What a key's record says before any origin is looked at: refused and why, or served until
 * when, and whether an origin the allowlist refuses is served anyway (report mode). Most keys
 * share {@link #OPEN}, every disabled one {@link #DISABLED}, every unknown one {@link #UNKNOWN}: only
 * a key with an expiry or in report mode has terms of its own, so a cached key pays one reference
 * for all of this.
 *
 * @param denial          the key's own denial, or {@code null} when its origin decides
 * @param expiresAtMillis from when the key is refused as expired (epoch ms); {@link Long#MAX_VALUE}: never
 * @param reported        the decision for an origin the allowlist refuses in report mode; {@code null}
 *                        in enforce mode
 */
record KeyTerms(DenialReason denial, long expiresAtMillis, Decision.Allowed reported) {

    static final KeyTerms UNKNOWN = new KeyTerms(DenialReason.UNKNOWN_KEY, Long.MAX_VALUE, null);
    static final KeyTerms DISABLED = new KeyTerms(DenialReason.KEY_DISABLED, Long.MAX_VALUE, null);
    static final KeyTerms OPEN = new KeyTerms(null, Long.MAX_VALUE, null);

    /** The terms of a stored key whose allowed decision is {@code allowed}. */
    static KeyTerms of(WidgetKey key, Decision.Allowed allowed) {
        if (key.disabled()) {
            return DISABLED;
        }
        long expiresAt = key.expiresAt() == null ? Long.MAX_VALUE : key.expiresAt().toEpochMilli();
        boolean report = key.mode() == KeyMode.REPORT;
        return expiresAt == Long.MAX_VALUE && !report ? OPEN
                : new KeyTerms(null, expiresAt, report ? allowed.asReported() : null);
    }
}
