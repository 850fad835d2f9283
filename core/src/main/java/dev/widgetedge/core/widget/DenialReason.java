package dev.widgetedge.core.widget;

/** Why a request was denied, in the order the gateway checks (docs/gateway.md, "Decisions"). */
public enum DenialReason {
    /** No key in the request. */
    MISSING_KEY("missing_key"),
    /** Not of the key format, or the checksum does not match: refused without any lookup. */
    INVALID_KEY("invalid_key"),
    /** Well-formed but not in the store. */
    UNKNOWN_KEY("unknown_key"),
    /** The key is disabled (revoked). */
    KEY_DISABLED("key_disabled"),
    /** The key's {@code expires_at} has passed, by the gateway's own clock. */
    KEY_EXPIRED("key_expired"),
    /** No {@code Origin} header, or an empty one. */
    ORIGIN_MISSING("origin_missing"),
    /** The origin is not on the key's allowlist, is {@code null}, or does not parse. */
    ORIGIN_NOT_ALLOWED("origin_not_allowed"),
    /** The key is not cached and the store cannot be reached. */
    STORE_UNAVAILABLE("store_unavailable");

    private final String code;

    DenialReason(String code) {
        this.code = code;
    }

    /** The {@code error} code of the JSON denial body and the {@code outcome} metric label. */
    public String code() {
        return code;
    }

    /**
     * Whether this is a miss: the key is missing, invalid or unknown. Misses count against the
     * client address's miss limit.
     */
    public boolean isMiss() {
        return this == MISSING_KEY || this == INVALID_KEY || this == UNKNOWN_KEY;
    }
}
