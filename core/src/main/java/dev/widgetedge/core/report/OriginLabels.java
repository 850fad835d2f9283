package dev.widgetedge.core.report;

/**
 * How the origin report names origins that are not an origin: the normalized serialization for
 * one that parses, and these labels otherwise. None of them can be an origin's serialization.
 */
public final class OriginLabels {

    /** No {@code Origin} header, or an empty one. */
    public static final String MISSING = "(missing)";
    /** An {@code Origin} header that does not parse. */
    public static final String INVALID = "(invalid)";
    /** {@code Origin: null}, the opaque origin (sandboxed frames, {@code file:} pages, …). */
    public static final String NULL = "null";
    /** Every origin past the report's cap for one key and hour, one row per outcome. */
    public static final String OTHER = "(other)";

    private OriginLabels() {
    }

    /**
     * Whether {@code label} is one of the fixed labels. They do not count against the cap of
     * distinct origins: there are only these few.
     */
    public static boolean isFixed(String label) {
        return label.equals(MISSING) || label.equals(INVALID) || label.equals(NULL) || label.equals(OTHER);
    }
}
