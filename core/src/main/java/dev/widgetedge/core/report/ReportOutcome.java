package dev.widgetedge.core.report;

/**
 * How the gateway answered a request for a known key, as the origin report counts it, and which
 * column of the daily usage it adds to.
 */
public enum ReportOutcome {
    ALLOWED("allowed", UsageClass.ALLOWED),
    /** Served in report mode although the origin is not allowed: counts as allowed in the usage. */
    REPORTED("reported", UsageClass.ALLOWED),
    ORIGIN_NOT_ALLOWED("origin_not_allowed", UsageClass.DENIED),
    ORIGIN_MISSING("origin_missing", UsageClass.DENIED),
    /** Allowed by the key and origin, then refused {@code 429} by a rate limit. */
    RATE_LIMITED("rate_limited", UsageClass.RATE_LIMITED),
    KEY_DISABLED("key_disabled", UsageClass.DENIED),
    KEY_EXPIRED("key_expired", UsageClass.DENIED);

    private static final ReportOutcome[] VALUES = values();

    private final String wire;
    private final UsageClass usage;

    ReportOutcome(String wire, UsageClass usage) {
        this.wire = wire;
        this.usage = usage;
    }

    /** The wire form: {@code allowed}, {@code origin_not_allowed}, … */
    public String wire() {
        return wire;
    }

    /** The usage column this outcome counts in. */
    public UsageClass usage() {
        return usage;
    }

    /** The outcome of a wire value, or {@code null} when it names none. */
    public static ReportOutcome fromWire(String value) {
        for (ReportOutcome outcome : VALUES) {
            if (outcome.wire.equals(value)) {
                return outcome;
            }
        }
        return null;
    }

    /** The columns of the daily usage. */
    public enum UsageClass {
        ALLOWED("allowed"), DENIED("denied"), RATE_LIMITED("rate_limited");

        private final String wire;

        UsageClass(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
