package dev.widgetedge.core.store;

import dev.widgetedge.core.report.OriginLabels;
import dev.widgetedge.core.report.ReportLimits;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The origin report and the daily usage in memory, for {@link InMemoryWidgetKeyStore}, with the
 * bounds the Redis store has: at most {@link ReportLimits#MAX_ORIGINS_PER_HOUR} distinct origins
 * per key and hour (the rest as {@code (other)}), hours kept {@link ReportLimits#ORIGIN_RETENTION},
 * days kept {@link ReportLimits#USAGE_RETENTION}. Not thread-safe: the store's lock guards it.
 */
final class MemoryTraffic {

    /** One key's report for one hour: its rows by outcome and origin, and its distinct origins. */
    private static final class Hour {
        final Map<String, TrafficCount> rows = new LinkedHashMap<>();
        final Set<String> origins = new HashSet<>();
    }

    private final Map<UUID, Map<Instant, Hour>> hours = new HashMap<>();
    private final Map<UUID, Map<LocalDate, long[]>> days = new HashMap<>();

    void record(UUID keyId, Instant hour, List<TrafficCount> counts) {
        Map<Instant, Hour> byHour = hours.computeIfAbsent(keyId, id -> new HashMap<>());
        byHour.keySet().removeIf(kept -> kept.isBefore(hour.minus(ReportLimits.ORIGIN_RETENTION)));
        Hour report = byHour.computeIfAbsent(hour, h -> new Hour());
        LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
        Map<LocalDate, long[]> byDay = days.computeIfAbsent(keyId, id -> new HashMap<>());
        byDay.keySet().removeIf(kept -> kept.isBefore(day.minusDays(ReportLimits.USAGE_RETENTION.toDays())));
        long[] usage = byDay.computeIfAbsent(day, d -> new long[ReportOutcome.UsageClass.values().length]);
        for (TrafficCount count : counts) {
            String origin = count.origin();
            if (!OriginLabels.isFixed(origin) && !report.origins.contains(origin)) {
                if (report.origins.size() >= ReportLimits.MAX_ORIGINS_PER_HOUR) {
                    origin = OriginLabels.OTHER;
                } else {
                    report.origins.add(origin);
                }
            }
            TrafficCount row = new TrafficCount(origin, count.outcome(), count.requests(), count.firstSeen(),
                    count.lastSeen());
            report.rows.merge(count.outcome().wire() + ' ' + origin, row, TrafficCount::plus);
            usage[count.outcome().usage().ordinal()] += count.requests();
        }
    }

    List<TrafficCount> origins(UUID keyId, List<Instant> wanted) {
        Map<Instant, Hour> byHour = hours.getOrDefault(keyId, Map.of());
        List<TrafficCount> rows = new ArrayList<>();
        for (Instant hour : wanted) {
            Hour report = byHour.get(hour);
            if (report != null) {
                rows.addAll(report.rows.values());
            }
        }
        return rows;
    }

    List<UsageDay> usage(UUID keyId, List<LocalDate> wanted) {
        Map<LocalDate, long[]> byDay = days.getOrDefault(keyId, Map.of());
        List<UsageDay> result = new ArrayList<>();
        for (LocalDate day : wanted) {
            long[] usage = byDay.get(day);
            if (usage != null) {
                result.add(new UsageDay(day, usage[0], usage[1], usage[2]));
            }
        }
        return result;
    }

    /** Drops everything kept for a key that was deleted. */
    void forget(UUID keyId) {
        hours.remove(keyId);
        days.remove(keyId);
    }
}
