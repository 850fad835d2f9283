package dev.widgetedge.admin;

import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.audit.AuditQuery;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.store.WidgetKeyStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What the admin API reports about keys, independent of HTTP: a key's origin report and daily
 * usage (what the gateways counted), and an account's audit log.
 */
final class ActivityService {

    /** Most requests first; then by origin and outcome, so that the order is total. */
    private static final Comparator<TrafficCount> MOST_REQUESTS_FIRST = Comparator
            .comparingLong(TrafficCount::requests).reversed()
            .thenComparing(TrafficCount::origin)
            .thenComparing(row -> row.outcome().wire());

    private final WidgetKeyStore store;
    private final WidgetKeyService keys;
    private final AuditLimits auditLimits;
    private final Clock clock;

    ActivityService(WidgetKeyStore store, WidgetKeyService keys, AuditLimits auditLimits, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.auditLimits = auditLimits;
        this.clock = clock;
    }

    /**
     * The origin report of the current UTC hour and the {@code hours - 1} before it, one row per
     * origin and outcome summed over them, most requests first; empty when the key is not the
     * account's.
     */
    CompletionStage<Optional<List<TrafficCount>>> origins(String accountId, UUID id, int hours) {
        Instant current = clock.instant().truncatedTo(ChronoUnit.HOURS);
        List<Instant> wanted = new ArrayList<>(hours);
        for (int i = 0; i < hours; i++) {
            wanted.add(current.minus(i, ChronoUnit.HOURS));
        }
        return ifInAccount(accountId, id, () -> store.originCounts(id, wanted).thenApply(ActivityService::summed));
    }

    /** The usage of today (UTC) and the {@code days - 1} before it, days with traffic only, newest first. */
    CompletionStage<Optional<List<UsageDay>>> usage(String accountId, UUID id, int days) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<LocalDate> wanted = new ArrayList<>(days);
        for (int i = 0; i < days; i++) {
            wanted.add(today.minusDays(i));
        }
        return ifInAccount(accountId, id, () -> store.usageDays(id, wanted).thenApply(found -> found.stream()
                .filter(day -> day.allowed() + day.denied() + day.rateLimited() > 0)
                .sorted(Comparator.comparing(UsageDay::date).reversed())
                .toList()));
    }

    /**
     * A page of the account's audit log, newest first; empty when {@code before} names no event
     * of it. An unknown key id gives an empty page.
     */
    CompletionStage<Optional<List<AuditEvent>>> auditEvents(String accountId, UUID keyId, String before, int limit) {
        Instant notBefore = clock.instant().minus(auditLimits.retention());
        return store.auditEvents(new AuditQuery(accountId, keyId, before, limit, notBefore));
    }

    private <T> CompletionStage<Optional<T>> ifInAccount(String accountId, UUID id,
            Supplier<CompletionStage<T>> read) {
        return keys.findInAccount(accountId, id).thenCompose(found -> found.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<T>empty())
                : read.get().thenApply(Optional::of));
    }

    private static List<TrafficCount> summed(List<TrafficCount> rows) {
        Map<String, TrafficCount> byRow = new LinkedHashMap<>();
        for (TrafficCount row : rows) {
            byRow.merge(row.outcome().wire() + ' ' + row.origin(), row, TrafficCount::plus);
        }
        List<TrafficCount> sorted = new ArrayList<>(byRow.values());
        sorted.sort(MOST_REQUESTS_FIRST);
        return sorted;
    }
}
