package dev.widgetedge.gateway.metrics;

import dev.widgetedge.core.widget.DenialReason;

/** How a gateway request ended: the {@code outcome} label of the request metrics. */
public enum RequestOutcome {
    ALLOWED("allowed"),
    /** Served although the origin is not allowed: the key is in report mode. */
    REPORTED("reported"),
    MISSING_KEY("missing_key"),
    INVALID_KEY("invalid_key"),
    UNKNOWN_KEY("unknown_key"),
    KEY_DISABLED("key_disabled"),
    KEY_EXPIRED("key_expired"),
    ORIGIN_MISSING("origin_missing"),
    ORIGIN_NOT_ALLOWED("origin_not_allowed"),
    STORE_UNAVAILABLE("store_unavailable"),
    RATE_LIMITED("rate_limited"),
    PREFLIGHT("preflight"),
    SCRIPT("script"),
    NOT_FOUND("not_found"),
    BAD_REQUEST("bad_request"),
    TOO_LARGE("too_large"),
    UPSTREAM_UNAVAILABLE("upstream_unavailable"),
    UPSTREAM_TIMEOUT("upstream_timeout");

    private final String label;

    RequestOutcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The outcome of a denial. */
    public static RequestOutcome of(DenialReason reason) {
        return switch (reason) {
            case MISSING_KEY -> MISSING_KEY;
            case INVALID_KEY -> INVALID_KEY;
            case UNKNOWN_KEY -> UNKNOWN_KEY;
            case KEY_DISABLED -> KEY_DISABLED;
            case KEY_EXPIRED -> KEY_EXPIRED;
            case ORIGIN_MISSING -> ORIGIN_MISSING;
            case ORIGIN_NOT_ALLOWED -> ORIGIN_NOT_ALLOWED;
            case STORE_UNAVAILABLE -> STORE_UNAVAILABLE;
        };
    }
}
