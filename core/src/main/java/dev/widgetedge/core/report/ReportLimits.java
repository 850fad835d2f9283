package dev.widgetedge.core.report;

import java.time.Duration;

/** The bounds of the origin report and the daily usage, in the store and in every gateway. */
public final class ReportLimits {

    /** Distinct origins kept per key and UTC hour, across all gateways; the rest count as {@code (other)}. */
    public static final int MAX_ORIGINS_PER_HOUR = 100;
    /** How long an hour of the origin report is kept: the longest report asks for 168 hours. */
    public static final Duration ORIGIN_RETENTION = Duration.ofDays(7);
    /** How long a day of usage is kept: the longest usage query asks for 90 days. */
    public static final Duration USAGE_RETENTION = Duration.ofDays(90);

    private ReportLimits() {
    }
}
