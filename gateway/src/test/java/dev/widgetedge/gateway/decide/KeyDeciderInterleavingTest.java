package dev.widgetedge.gateway.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The decide path against random schedules of everything that can interleave with it: requests,
 * edits, creates and deletes (each publishing its invalidation), store answers delivered in any
 * order, the cache's deferred upkeep run at any moment (also in the middle of a read), and time.
 * Every schedule is replayed from its seed, one step at a time on one thread, so a failure names
 * the seed that reproduces it.
 *
 * <p>The property: once the reads in flight have been answered, no key is decided from a state
 * older than the store's, and every request that was made has been answered.
 */
class KeyDeciderInterleavingTest {

    private static final String ORIGIN = "https://acme.com";
    private static final Instant NOW = Instant.parse("2026-11-24T05:51:00Z");
    private static final int SCHEDULES = 400;
    private static final int STEPS = 80;

    @Test
    void noScheduleLeavesAStaleDecisionCached() {
        for (int seed = 1; seed <= SCHEDULES; seed++) {
            new Schedule(seed).run();
        }
    }

    private static final class Schedule {

        private final int seed;
        private final Random random;
        private final FakeTicker ticker = new FakeTicker();
        private final ControllableStore store = new ControllableStore(ticker::read);
        private final GatewaySettings settings = GatewaySettings.builder().cacheMaxKeys(100).build();
        private final DeferredExecutor upkeep = new DeferredExecutor();
        private final ManualScheduler filterBuilds = new ManualScheduler();
        private final KeyDecider decider;
        private final List<String> keys = new ArrayList<>();
        private final List<CompletableFuture<Decision>> requests = new ArrayList<>();
        private final Set<String> created = new HashSet<>();

        Schedule(int seed) {
            this.seed = seed;
            this.random = new Random(seed);
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            UsageRecorder usage = UsageRecorder.manual(store, settings.usageFlush(), clock, ticker);
            ExistenceFilter existence = new ExistenceFilter(store, GatewayMetrics.noop(), Duration.ofHours(1),
                    filterBuilds);
            decider = new KeyDecider(store, settings, usage, TrafficRecorder.manual(store, settings.cache().maxKeys(), ticker, GatewayMetrics.noop()),
                    GatewayMetrics.noop(), existence, ticker, clock, upkeep);
            store.subscribe(decider);
            for (int i = 0; i < 4; i++) {
                keys.add(WidgetKeyFormat.mint());
            }
            create(keys.get(0));
            create(keys.get(1));
            store.duringRead(() -> {
                if (random.nextInt(3) == 0) {
                    upkeep.runAll();
                }
            });
        }

        void run() {
            for (int step = 0; step < STEPS; step++) {
                step();
            }
            store.holdReads(false);
            while (store.heldReadCount() > 0) {
                store.releaseOneRead();
            }
            upkeep.runAll();
            filterBuilds.runReady();
            for (CompletableFuture<Decision> request : requests) {
                assertThat(request).as("seed %d: every request is answered", seed).isDone();
            }
            for (String key : keys) {
                Decision expected = storedDecision(key);
                Decision cached = decider.decideCached(key, ORIGIN);
                if (cached != null) {
                    assertThat(describe(cached)).as("seed %d: the cached decision", seed).isEqualTo(describe(expected));
                }
                Decision decided = decider.decide(key, ORIGIN).toCompletableFuture().join();
                assertThat(describe(decided)).as("seed %d: the decision", seed).isEqualTo(describe(expected));
            }
        }

        private void step() {
            String key = keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(11)) {
                case 0, 1 -> requests.add(decider.decide(key, ORIGIN).toCompletableFuture());
                case 2 -> stored(key).ifPresent(this::toggleDisabled);
                case 3 -> {
                    // A key is minted once: a deleted key never comes back.
                    if (!created.contains(key)) {
                        create(key);
                    }
                }
                case 4 -> stored(key).ifPresent(current -> store.removeUnused(current, NOW, null));
                case 5 -> {
                    if (store.heldReadCount() > 0) {
                        store.releaseRead(random.nextInt(store.heldReadCount()));
                    }
                }
                case 6 -> upkeep.runAll();
                case 7 -> store.holdReads(random.nextBoolean());
                case 8 -> filterBuilds.runOne();
                case 9 -> {
                    if (random.nextInt(4) == 0) {
                        decider.onResubscribed();
                    } else {
                        filterBuilds.runPeriodic();
                    }
                }
                default -> {
                    ticker.advance(Duration.ofMillis(random.nextInt(4000)));
                    store.timeOutHeldReads(settings.storeTimeout());
                }
            }
        }

        private void create(String key) {
            created.add(key);
            WidgetKey widgetKey = WidgetKey.created(KeyDigest.keyId(key), "acct", WidgetKeyFormat.last8(key),
                    KeySettings.of("n", null, List.of(ORIGIN)), NOW, null);
            store.insert(widgetKey, KeyDigest.sha256Hex(key), NOW, null).toCompletableFuture().join();
        }

        private void toggleDisabled(StoredWidgetKey current) {
            WidgetKeyChanges toggle = WidgetKeyChanges.builder().disabled(!current.key().disabled()).build();
            store.replace(current, current.key().apply(toggle, NOW), NOW, null).toCompletableFuture().join();
        }

        private Optional<StoredWidgetKey> stored(String key) {
            return store.findById(KeyDigest.keyId(key)).toCompletableFuture().join();
        }

        private Decision storedDecision(String key) {
            return stored(key)
                    .map(current -> current.key().disabled()
                            ? (Decision) Decision.Denied.of(DenialReason.KEY_DISABLED)
                            : new Decision.Allowed(current.key().id(), "acct", null, false))
                    .orElse(Decision.Denied.of(DenialReason.UNKNOWN_KEY));
        }

        private static String describe(Decision decision) {
            return decision instanceof Decision.Allowed allowed ? "allowed " + allowed.keyId() : decision.toString();
        }
    }
}
