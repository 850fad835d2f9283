package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.report.TrafficRecorder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code dev}'s admin API reads an origin report that includes every request its gateway counted. */
class CurrentReportsTest {

    private static final String ORIGIN = "https://acme.com";

    private final InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();
    private final CoarseTicker clock = CoarseTicker.start();
    private final TrafficRecorder traffic = TrafficRecorder.manual(store, 100, clock, GatewayMetrics.noop());
    private final CurrentReports reports = new CurrentReports(store, traffic);

    @AfterEach
    void stop() {
        clock.close();
    }

    private UUID createKey() {
        String plaintext = WidgetKeyFormat.mint();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        WidgetKey key = WidgetKey.created(KeyDigest.keyId(plaintext), "acct", WidgetKeyFormat.last8(plaintext),
                KeySettings.of("n", null, List.of(ORIGIN)), now, null);
        store.insert(key, KeyDigest.sha256Hex(plaintext), now, null).toCompletableFuture().join();
        return key.id();
    }

    @Test
    void theReportAndTheUsage_includeWhatTheGatewayCountedBeforeTheCall_withoutWaitingForAFlush() {
        UUID id = createKey();
        traffic.countParsed(id, ORIGIN, Origin.parseHeaderOrNull(ORIGIN), ReportOutcome.ALLOWED, clock.wallMillis());
        Instant hour = Instant.ofEpochMilli(clock.wallMillis()).truncatedTo(ChronoUnit.HOURS);
        // Both hours and days around now: a test that runs across an hour or a midnight still sees its count.
        List<Instant> hours = List.of(hour, hour.minus(1, ChronoUnit.HOURS));
        LocalDate today = LocalDate.ofInstant(hour, ZoneOffset.UTC);
        List<LocalDate> days = List.of(today, today.minusDays(1));

        assertThat(store.originCounts(id, hours).toCompletableFuture().join()).as("the store before a flush").isEmpty();
        List<TrafficCount> report = reports.originCounts(id, hours).toCompletableFuture().join();
        List<UsageDay> usage = reports.usageDays(id, days).toCompletableFuture().join();

        assertThat(report).extracting(TrafficCount::origin, TrafficCount::outcome, TrafficCount::requests)
                .containsExactly(Tuple.tuple(ORIGIN, ReportOutcome.ALLOWED, 1L));
        assertThat(usage).extracting(UsageDay::allowed).containsExactly(1L);
    }
}
