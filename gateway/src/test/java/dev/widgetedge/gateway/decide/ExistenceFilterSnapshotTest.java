package dev.widgetedge.gateway.decide;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.ChangeCursor;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.store.InvalidationListener;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.gateway.metrics.GatewayMetrics.KeyFilterSource;
import dev.widgetedge.gateway.metrics.NoopGatewayMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The existence filter's snapshot, step by step on the in-memory store: gateways that start while
 * a snapshot is in the store trust a filter without scanning, and never one that misses a key.
 */
class ExistenceFilterSnapshotTest {

    private static final Instant NOW = Instant.parse("2026-12-01T17:00:00Z");

    private final ControllableStore store = new ControllableStore();
    private final MemoryFilterSnapshots snapshots = new MemoryFilterSnapshots();
    private final List<Gateway> gateways = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger filterLogger = (Logger) LoggerFactory.getLogger(ExistenceFilter.class);

    @BeforeEach
    void keepSnapshots() {
        store.keepSnapshots(snapshots);
        log.start();
        filterLogger.addAppender(log);
    }

    @AfterEach
    void stop() {
        filterLogger.detachAppender(log);
        gateways.forEach(gateway -> gateway.filter.close());
    }

    /** What a gateway's filter recorded about where its filters came from. */
    private static final class FilterMetrics extends NoopGatewayMetrics {
        final List<KeyFilterSource> built = new ArrayList<>();
        int failed;
        int saved;

        @Override
        public synchronized void keyFilterBuilt(KeyFilterSource source) {
            built.add(source);
        }

        @Override
        public synchronized void keyFilterBuildFailed() {
            failed++;
        }

        @Override
        public synchronized void keyFilterSnapshotSaved(boolean success) {
            saved += success ? 1 : 0;
        }
    }

    /** One gateway's existence filter, subscribed to the store's invalidations; its builds run when the test says. */
    private final class Gateway {
        final ManualScheduler builds = new ManualScheduler();
        final FilterMetrics metrics = new FilterMetrics();
        final ExistenceFilter filter = new ExistenceFilter(store, metrics, Duration.ofHours(1), builds);

        Gateway() {
            gateways.add(this);
        }

        /** Subscribes, which (in process, at once) asks for the first build. */
        Gateway subscribe() {
            store.subscribe(new InvalidationListener() {
                @Override
                public void onInvalidation(Invalidation invalidation) {
                    filter.learn(invalidation.keyId());
                }

                @Override
                public void onResubscribed() {
                    filter.subscriptionEstablished();
                }
            });
            return this;
        }

        Gateway started() {
            subscribe();
            builds.runReady();
            assertThat(filter.isTrusted()).isTrue();
            return this;
        }

        /** Whether the trusted filter may have the id (a filter that is not trusted fails the test). */
        boolean mayHave(UUID id) {
            assertThat(filter.isTrusted()).as("a trusted filter").isTrue();
            return !filter.stillAbsent(id);
        }
    }

    private UUID createKey() {
        String key = WidgetKeyFormat.mint();
        WidgetKey widgetKey = WidgetKey.created(KeyDigest.keyId(key), "acct", WidgetKeyFormat.last8(key),
                KeySettings.of("n", "agent_1", List.of("https://acme.com")), NOW, null);
        store.insert(widgetKey, KeyDigest.sha256Hex(key), NOW, null).toCompletableFuture().join();
        return widgetKey.id();
    }

    private ChangeCursor logEnd() {
        return store.changesSince(null, 1).toCompletableFuture().join().next();
    }

    private List<String> warnings() {
        return log.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aBuildFromTheIndex_savesASnapshot_thatTheNextGatewayTrusts_withoutScanning() {
        List<UUID> keys = List.of(createKey(), createKey(), createKey());
        Gateway first = new Gateway().started();
        assertThat(first.metrics.built).containsExactly(KeyFilterSource.SCAN);
        assertThat(snapshots.saves()).isEqualTo(1);

        Gateway second = new Gateway().started();

        assertThat(second.metrics.built).containsExactly(KeyFilterSource.SNAPSHOT);
        assertThat(keys).allSatisfy(id -> assertThat(second.mayHave(id)).isTrue());
        assertThat(second.mayHave(UUID.randomUUID())).isFalse();
        assertThat(snapshots.saves()).as("a filter from the snapshot is not written back").isEqualTo(1);
    }

    @Test
    void keysCreatedBeforeDuringAndAfterTheLoad_areNeverAbsent() {
        new Gateway().started();
        List<UUID> created = new ArrayList<>();
        created.add(createKey());
        Gateway second = new Gateway().subscribe();
        created.add(createKey());
        // The load reads the snapshot, then catches up from the log, then trusts the filter.
        assertThat(second.builds.runOne()).isTrue();
        created.add(createKey());
        assertThat(second.builds.runOne()).isTrue();
        created.add(createKey());
        second.builds.runReady();
        created.add(createKey());

        assertThat(second.metrics.built).containsExactly(KeyFilterSource.SNAPSHOT);
        assertThat(created).allSatisfy(id -> assertThat(second.mayHave(id)).as("key %s", id).isTrue());
    }

    @Test
    void aSnapshotWrittenByAGatewayThatMissedAnnouncements_stillHasEveryKey() {
        Gateway first = new Gateway().started();
        store.dropMessages(true);
        UUID missed = createKey();
        store.dropMessages(false);
        assertThat(first.mayHave(missed)).as("the first gateway never heard of it").isFalse();

        first.builds.runPeriodic(ExistenceFilter.SNAPSHOT_EVERY);
        assertThat(snapshots.saves()).isEqualTo(2);
        // The snapshot covers the log past the key's create, so a gateway loading it does not read
        // that create again: the bits must have the key.
        FilterSnapshot saved = FilterSnapshot.decode(snapshots.stored());
        assertThat(saved.covered()).isEqualTo(new ChangeCursor(logEnd().position(), saved.covered().readAtMillis()));

        assertThat(saved.filter().mightContain(missed)).isTrue();
        assertThat(new Gateway().started().mayHave(missed)).isTrue();
    }

    @Test
    void aSnapshotOlderThanTheLogKeeps_isNotUsed() {
        new Gateway().started();
        UUID key = createKey();
        ChangeCursor end = logEnd();
        // Claims to cover the log up to now, without the key, but was written longer ago than the log is kept.
        ChangeCursor outdated = new ChangeCursor(end.position(), end.readAtMillis() - Duration.ofMinutes(6).toMillis());
        snapshots.replace(FilterSnapshot.encode(KeyIdFilter.withCapacity(10_000), outdated));

        Gateway second = new Gateway().started();

        assertThat(second.metrics.built).containsExactly(KeyFilterSource.SCAN);
        assertThat(second.mayHave(key)).isTrue();
    }

    @Test
    void aCorruptSnapshot_isIgnoredWithAWarningNamingIt_andTheIndexIsScanned() {
        new Gateway().started();
        UUID key = createKey();
        byte[] altered = snapshots.stored().clone();
        altered[altered.length / 2] ^= 0x01;
        snapshots.replace(altered);

        Gateway second = new Gateway().started();

        assertThat(second.metrics.built).containsExactly(KeyFilterSource.SCAN);
        assertThat(second.mayHave(key)).isTrue();
        assertThat(warnings()).containsExactly("ignoring the key filter snapshot in memory: checksum mismatch "
                + "(truncated or altered); building from the key index");
    }

    @Test
    void aSnapshotOfAnotherFormat_isIgnoredWithAWarning() {
        snapshots.replace("{\"bloom\":\"written by another program, not a gateway\"}".getBytes());
        UUID key = createKey();

        Gateway gateway = new Gateway().started();

        assertThat(gateway.metrics.built).containsExactly(KeyFilterSource.SCAN);
        assertThat(gateway.mayHave(key)).isTrue();
        assertThat(warnings()).singleElement().asString().contains("in memory: not a key filter snapshot");
        assertThat(FilterSnapshot.decode(snapshots.stored()).filter().mightContain(key))
                .as("replaced by the scan's filter").isTrue();
    }

    @Test
    void withTheStoreDownAtStart_noFilterIsTrusted_untilItIsBack() {
        new Gateway().started();
        UUID key = createKey();
        store.down(true);
        snapshots.down(true);

        Gateway second = new Gateway().subscribe();
        second.builds.runReady();

        assertThat(second.filter.isTrusted()).isFalse();
        assertThat(second.metrics.failed).isEqualTo(1);
        assertThat(second.builds.delayedCount()).as("a retry is scheduled").isEqualTo(1);

        store.down(false);
        snapshots.down(false);
        second.builds.runDelayed();

        assertThat(second.metrics.built).containsExactly(KeyFilterSource.SNAPSHOT);
        assertThat(second.mayHave(key)).isTrue();
    }

    @Test
    void thePeriodicRefresh_isWrittenByOneGatewayPerPeriod_andEveryGatewayCatchesUp() {
        Gateway first = new Gateway().started();
        Gateway second = new Gateway().started();
        store.dropMessages(true);
        UUID missed = createKey();
        store.dropMessages(false);

        first.builds.runPeriodic(ExistenceFilter.SNAPSHOT_EVERY);
        second.builds.runPeriodic(ExistenceFilter.SNAPSHOT_EVERY);
        assertThat(first.metrics.saved + second.metrics.saved).as("after the build's own save").isEqualTo(2);

        snapshots.releaseClaim();
        second.builds.runPeriodic(ExistenceFilter.SNAPSHOT_EVERY);
        first.builds.runPeriodic(ExistenceFilter.SNAPSHOT_EVERY);
        assertThat(first.metrics.saved + second.metrics.saved).isEqualTo(3);
        assertThat(second.metrics.saved).isEqualTo(1);
        assertThat(second.mayHave(missed)).as("caught up from the log").isTrue();
    }

    @Test
    void aGapInTheChangeLog_atThePeriodicRefresh_rebuildsTheFilterFromTheIndex() {
        Gateway gateway = new Gateway().started();
        store.dropMessages(true);
        UUID missed = createKey();
        store.dropMessages(false);
        store.logGaps(true);

        gateway.builds.runPeriodic(ExistenceFilter.SNAPSHOT_EVERY);

        assertThat(warnings()).anyMatch(warning -> warning.contains("rebuilding it"));
        assertThat(gateway.metrics.built).as("the first build, then the rebuild the gap asked for")
                .containsExactly(KeyFilterSource.SCAN, KeyFilterSource.SCAN);
        assertThat(gateway.mayHave(missed)).as("the create the subscription missed").isTrue();
    }
}
