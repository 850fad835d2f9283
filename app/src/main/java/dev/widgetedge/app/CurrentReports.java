package dev.widgetedge.app;

import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.store.ForwardingWidgetKeyStore;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.report.TrafficRecorder;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The store as {@code dev}'s admin API sees it: before it reads a key's origin report or usage,
 * the gateway in the same process writes what it has counted, so that the answer includes every
 * request made before the call instead of lagging by up to {@code --report-flush}. A gateway and an
 * admin API in separate processes cannot do this; there the report trails by one flush.
 */
final class CurrentReports extends ForwardingWidgetKeyStore {

    private final TrafficRecorder traffic;

    CurrentReports(WidgetKeyStore delegate, TrafficRecorder traffic) {
        super(delegate);
        this.traffic = traffic;
    }

    @Override
    public CompletionStage<List<TrafficCount>> originCounts(UUID keyId, List<Instant> hours) {
        return flushed().thenCompose(done -> super.originCounts(keyId, hours));
    }

    @Override
    public CompletionStage<List<UsageDay>> usageDays(UUID keyId, List<LocalDate> days) {
        return flushed().thenCompose(done -> super.usageDays(keyId, days));
    }

    /** The gateway's flush; a write it could not make is kept for its next flush, and the read goes on. */
    private CompletionStage<Void> flushed() {
        return traffic.flush().handle((done, error) -> null);
    }
}
