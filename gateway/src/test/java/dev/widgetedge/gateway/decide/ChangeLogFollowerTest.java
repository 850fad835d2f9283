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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The change log as the decide path uses it, on a store and a clock the test controls: lost
 * announcements arrive through the log, and a complete read keeps the entries it covers fresh
 * past their TTL; entries it does not cover, failed reads and resubscriptions confirm nothing.
 */
class ChangeLogFollowerTest {

    private static final String ORIGIN = "https://acme.com";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Instant NOW = Instant.parse("2026-11-24T05:51:00Z");

    private final ControllableStore store = new ControllableStore();
    private final FakeTicker ticker = new FakeTicker();
    private final ManualScheduler followerThread = new ManualScheduler();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private KeyDecider decider;
    private ChangeLogFollower follower;

    @BeforeEach
    void setUp() {
        GatewaySettings settings = GatewaySettings.builder().cacheTtl(TTL).build();
        UsageRecorder usage = UsageRecorder.manual(store, settings.usageFlush(), clock, ticker);
        ExistenceFilter existence = new ExistenceFilter(store, GatewayMetrics.noop(), Duration.ofHours(1),
                new ManualScheduler());
        TrafficRecorder traffic = TrafficRecorder.manual(store, settings.cache().maxKeys(), ticker, GatewayMetrics.noop());
        decider = new KeyDecider(store, settings, usage, traffic, GatewayMetrics.noop(), existence, ticker, clock,
                Runnable::run);
        decider.useSubscription(store.subscribe(decider));
        follower = new ChangeLogFollower(store, decider, ticker, GatewayMetrics.noop(), followerThread, false);
    }

    @AfterEach
    void tearDown() {
        follower.close();
    }

    /** One read of the log, as the follower's thread would run it. */
    private void readLog() {
        follower.poll();
        followerThread.runReady();
    }

    private String createKey() {
        String key = WidgetKeyFormat.mint();
        WidgetKey widgetKey = WidgetKey.created(KeyDigest.keyId(key), "acct", WidgetKeyFormat.last8(key),
                KeySettings.of("n", "agent_1", List.of(ORIGIN)), NOW, null);
        store.insert(widgetKey, KeyDigest.sha256Hex(key), NOW, null).toCompletableFuture().join();
        return key;
    }

    private void disable(String key) {
        StoredWidgetKey current = store.findById(KeyDigest.keyId(key)).toCompletableFuture().join().orElseThrow();
        store.replace(current, current.key().apply(WidgetKeyChanges.DISABLE, NOW), NOW, null).toCompletableFuture().join();
    }

    private Decision decide(String key) {
        return decider.decide(key, ORIGIN).toCompletableFuture().join();
    }

    private static DenialReason reason(Decision decision) {
        return decision instanceof Decision.Denied denied ? denied.reason() : null;
    }

    @Test
    void aLostAnnouncement_takesEffectAtTheNextReadOfTheLog() {
        readLog();
        String key = createKey();
        assertThat(decide(key)).isInstanceOf(Decision.Allowed.class);
        store.dropMessages(true);

        disable(key);
        assertThat(decider.decideCached(key, ORIGIN)).as("the announcement was lost").isInstanceOf(Decision.Allowed.class);
        readLog();

        assertThat(reason(decide(key))).isEqualTo(DenialReason.KEY_DISABLED);
    }

    @Test
    void anEntryTheReadingCovers_staysFreshPastItsTtl_withoutAnotherStoreRead() {
        readLog();
        ticker.advance(Duration.ofMillis(1));
        String key = createKey();
        decide(key);
        int readsAfterLoad = store.reads();

        for (int second = 0; second < 3 * TTL.toSeconds(); second++) {
            ticker.advance(Duration.ofSeconds(1));
            readLog();
        }

        assertThat(decider.decideCached(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
        assertThat(store.reads()).isEqualTo(readsAfterLoad);
    }

    @Test
    void anEntryCheckedBeforeTheReadingBegan_agesByItsOwnCheck() {
        String key = createKey();
        decide(key);
        readLog();

        ticker.advance(TTL.minusSeconds(5));
        readLog();
        ticker.advance(Duration.ofSeconds(6));

        assertThat(decider.decideCached(key, ORIGIN)).as("stale: not covered by the reading").isNull();
    }

    @Test
    void aReadThatFails_confirmsNothing() {
        readLog();
        ticker.advance(Duration.ofMillis(1));
        String key = createKey();
        decide(key);
        store.down(true);

        ticker.advance(TTL.minusSeconds(5));
        readLog();
        ticker.advance(Duration.ofSeconds(6));

        assertThat(decider.decideCached(key, ORIGIN)).isNull();
        assertThat(decide(key)).as("served through the outage, as a stale entry is").isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void aResubscription_endsTheReading_soItsLaterReadsConfirmOnlyWhatIsCheckedAfterANewStart() {
        readLog();
        ticker.advance(Duration.ofMillis(1));
        String key = createKey();
        decide(key);

        decider.onResubscribed();
        ticker.advance(Duration.ofMillis(1));
        decide(key);
        ticker.advance(TTL.minusSeconds(5));
        readLog();
        readLog();
        ticker.advance(Duration.ofSeconds(6));

        assertThat(decider.decideCached(key, ORIGIN))
                .as("revalidated after the resubscription but before the new reading began").isNull();
    }
}
