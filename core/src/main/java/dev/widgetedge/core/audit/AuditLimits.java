package dev.widgetedge.core.audit;

import java.time.Duration;

/**
 * How long the audit log keeps events, and how many it keeps per account: an event older than
 * {@code retention} is dropped, and so is the oldest event of an account past {@code maxEvents}.
 *
 * @param retention how long an event is kept ({@code --audit-retention})
 * @param maxEvents the most events kept per account ({@link #MAX_EVENTS_PER_ACCOUNT}; tests use fewer)
 */
public record AuditLimits(Duration retention, int maxEvents) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    public static final int MAX_EVENTS_PER_ACCOUNT = 100_000;

    public AuditLimits {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("--audit-retention: " + retention + " (expected: > 0)");
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: >= 1)");
        }
    }

    /** Events kept for {@code retention}, at most {@link #MAX_EVENTS_PER_ACCOUNT} per account. */
    public AuditLimits(Duration retention) {
        this(retention, MAX_EVENTS_PER_ACCOUNT);
    }

    public static AuditLimits defaults() {
        return new AuditLimits(DEFAULT_RETENTION);
    }
}
