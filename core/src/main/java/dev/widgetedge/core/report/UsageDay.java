package dev.widgetedge.core.report;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One key's requests on one UTC day, by usage column.
 *
 * @param date        the UTC day
 * @param allowed     served requests ({@code reported} ones included)
 * @param denied      refused requests (origin, disabled, expired)
 * @param rateLimited requests refused for a rate limit
 */
public record UsageDay(LocalDate date, long allowed, long denied, long rateLimited) {

    public UsageDay {
        Objects.requireNonNull(date, "date");
    }
}
