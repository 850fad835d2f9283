package dev.widgetedge.gateway.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.ForwardingWidgetKeyStore;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The usage flush with many keys in use: a few writes of bounded size instead of one per key, each
 * key's use written, and a write that fails kept for the next flush.
 */
class UsageFlushTest {

    private static final String ORIGIN = "https://acme.com";
    private static final Instant NOW = Instant.parse("2026-11-24T05:51:00Z");

    /** The in-memory store, counting the usage writes it is asked for, and failing them on demand. */
    private static final class CountingStore extends ForwardingWidgetKeyStore {
        final List<Integer> writeSizes = new CopyOnWriteArrayList<>();
        volatile boolean failWrites;

        CountingStore() {
            super(new InMemoryWidgetKeyStore());
        }

        @Override
        public CompletionStage<Void> recordUsages(Map<UUID, Instant> uses) {
            writeSizes.add(uses.size());
            return failWrites ? CompletableFuture.failedFuture(new StoreException("store is down (test)"))
                    : delegate().recordUsages(uses);
        }
    }

    private final CountingStore store = new CountingStore();
    private final FakeTicker ticker = new FakeTicker();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private UsageRecorder usage;
    private KeyDecider decider;

    @BeforeEach
    void setUp() {
        GatewaySettings settings = GatewaySettings.defaults();
        usage = UsageRecorder.manual(store, settings.usageFlush(), clock, ticker);
        ExistenceFilter existence = new ExistenceFilter(store, GatewayMetrics.noop(), Duration.ofHours(1),
                new ManualScheduler());
        TrafficRecorder traffic = TrafficRecorder.manual(store, settings.cache().maxKeys(), ticker, GatewayMetrics.noop());
        decider = new KeyDecider(store, settings, usage, traffic, GatewayMetrics.noop(), existence, ticker, clock,
                Runnable::run);
        decider.useSubscription(store.subscribe(decider));
    }

    private List<UUID> useKeys(int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = WidgetKeyFormat.mint();
            WidgetKey widgetKey = WidgetKey.created(KeyDigest.keyId(key), "acct", WidgetKeyFormat.last8(key),
                    KeySettings.of("n", null, List.of(ORIGIN)), NOW, null);
            store.insert(widgetKey, KeyDigest.sha256Hex(key), NOW, null).toCompletableFuture().join();
            assertThat(decider.decide(key, ORIGIN).toCompletableFuture().join()).isInstanceOf(Decision.Allowed.class);
            ids.add(widgetKey.id());
        }
        return ids;
    }

    @Test
    void aFlushOfManyKeys_isAFewWritesOfBoundedSize_andWritesEveryKeysUse() {
        List<UUID> ids = useKeys(2 * UsageRecorder.WRITE_CHUNK + 7);

        usage.flush().join();

        assertThat(store.writeSizes).hasSize(3).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(UsageRecorder.WRITE_CHUNK));
        assertThat(store.writeSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(ids.size());
        for (UUID id : ids) {
            assertThat(store.findById(id).toCompletableFuture().join().orElseThrow().key().lastUsedAt()).isEqualTo(NOW);
        }
        assertThat(usage.pendingCount()).isZero();
    }

    @Test
    void writesThatFail_stayPendingForTheNextFlush() {
        List<UUID> ids = useKeys(UsageRecorder.WRITE_CHUNK + 1);
        store.failWrites = true;

        usage.flush().join();
        assertThat(usage.pendingCount()).isEqualTo(ids.size());

        store.failWrites = false;
        usage.flush().join();
        assertThat(usage.pendingCount()).isZero();
        assertThat(store.findById(ids.get(0)).toCompletableFuture().join().orElseThrow().key().lastUsedAt()).isEqualTo(NOW);
    }
}
