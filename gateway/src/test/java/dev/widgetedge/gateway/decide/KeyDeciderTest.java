package dev.widgetedge.gateway.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.core.widget.KeyMode;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.RateLimits;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decide path with a fake clock and a store the test controls: TTL revalidation, negative
 * caching, invalidation, the load/invalidation race, lost messages, store outages, expiry, report
 * mode and the counts of the origin report.
 */
class KeyDeciderTest {

    private static final String ORIGIN = "https://acme.com";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(10);
    private static final Duration STALE_IF_ERROR = Duration.ofMinutes(5);
    private static final Instant NOW = Instant.parse("2026-11-24T05:51:00Z");

    private final ControllableStore store = new ControllableStore();
    private final FakeTicker ticker = new FakeTicker(NOW);
    /** Runs the existence filter's builds; until a test runs them, the filter is not trusted. */
    private final ManualScheduler filterBuilds = new ManualScheduler();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final int CACHE_MAX_KEYS = 1000;
    private static final int NEGATIVE_MAX_KEYS = 50;
    private ExistenceFilter existence;
    private KeyDecider decider;
    private UsageRecorder usage;
    private TrafficRecorder traffic;

    @BeforeEach
    void setUp() {
        startDecider(Runnable::run);
    }

    private void startDecider(Executor upkeep) {
        GatewaySettings settings = GatewaySettings.builder().cacheTtl(TTL).negativeTtl(NEGATIVE_TTL)
                .staleIfError(STALE_IF_ERROR).cacheMaxKeys(CACHE_MAX_KEYS).negativeMaxKeys(NEGATIVE_MAX_KEYS).build();
        usage = UsageRecorder.manual(store, settings.usageFlush(), clock, ticker);
        existence = new ExistenceFilter(store, GatewayMetrics.noop(), Duration.ofHours(1), filterBuilds);
        traffic = TrafficRecorder.manual(store, settings.cache().maxKeys(), ticker, GatewayMetrics.noop());
        decider = new KeyDecider(store, settings, usage, traffic, GatewayMetrics.noop(), existence, ticker, clock,
                upkeep);
        decider.useSubscription(store.subscribe(decider));
    }

    private String createKey(String... allowlist) {
        return createKey(KeySettings.of("n", "agent_1", List.of(allowlist)));
    }

    private String createKey(KeySettings settings) {
        String key = WidgetKeyFormat.mint();
        WidgetKey widgetKey = WidgetKey.created(KeyDigest.keyId(key), "acct", WidgetKeyFormat.last8(key), settings,
                NOW, null);
        store.insert(widgetKey, KeyDigest.sha256Hex(key), NOW, null).toCompletableFuture().join();
        return key;
    }

    private void disable(String key) {
        change(key, WidgetKeyChanges.DISABLE);
    }

    private void enable(String key) {
        change(key, WidgetKeyChanges.builder().disabled(false).build());
    }

    private void change(String key, WidgetKeyChanges changes) {
        StoredWidgetKey current = store.findById(KeyDigest.keyId(key)).toCompletableFuture().join().orElseThrow();
        store.replace(current, current.key().apply(changes, NOW), NOW, null).toCompletableFuture().join();
    }

    private Decision decide(String key, String origin) {
        return decider.decide(key, origin).toCompletableFuture().join();
    }

    private static DenialReason reason(Decision decision) {
        return decision instanceof Decision.Denied denied ? denied.reason() : null;
    }

    // ---- expiry, report mode, and what is counted ---------------------------------------------------

    private List<TrafficCount> flushedReport(String key) {
        traffic.flush().join();
        return store.originCounts(KeyDigest.keyId(key), List.of(NOW.truncatedTo(ChronoUnit.HOURS)))
                .toCompletableFuture().join();
    }

    @Test
    void anExpiringKey_isAllowedUntilItsTime_thenKeyExpired_byTheClockOfTheRequest() {
        String key = createKey(KeySettings.of("n", null, List.of(ORIGIN)).withExpiresAt(NOW.plusSeconds(5)));
        assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);

        ticker.advance(Duration.ofMillis(4_999));
        Decision justBefore = decider.decideCached(key, ORIGIN);
        ticker.advance(Duration.ofMillis(1));
        Decision atTheTime = decider.decideCached(key, ORIGIN);

        assertThat(justBefore).as("still the cached entry, no reload").isInstanceOf(Decision.Allowed.class);
        assertThat(reason(atTheTime)).isEqualTo(DenialReason.KEY_EXPIRED);
        assertThat(reason(decide(key, null))).as("before the origin is looked at").isEqualTo(DenialReason.KEY_EXPIRED);
        assertThat(store.reads()).as("expiry needs no store read").isEqualTo(1);
    }

    @Test
    void aDisabledKey_staysKeyDisabled_evenOnceExpired() {
        String key = createKey(KeySettings.of("n", null, List.of(ORIGIN)).withExpiresAt(NOW.plusSeconds(1)));
        disable(key);
        ticker.advance(Duration.ofSeconds(2));

        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.KEY_DISABLED);
    }

    @Test
    void allowedDecisions_carryTheKeysOwnRateLimits_reportedOnesToo_andAChangeReplacesThem() {
        String key = createKey(KeySettings.of("n", null, List.of(ORIGIN)).withMode(KeyMode.REPORT)
                .withRateLimits(new RateLimits(120, null)));

        Decision.Allowed allowed = (Decision.Allowed) decide(key, ORIGIN);
        Decision.Allowed reported = (Decision.Allowed) decide(key, "https://evil.example");

        assertThat(allowed.perClientPerMinute()).isEqualTo(120);
        assertThat(allowed.perKeyPerMinute()).isEqualTo(Decision.Allowed.GATEWAY_DEFAULT);
        assertThat(reported.reported()).isTrue();
        assertThat(reported.perClientPerMinute()).isEqualTo(120);
        assertThat(decide(key, ORIGIN)).as("one decision per cached key, no allocation").isSameAs(allowed);

        change(key, WidgetKeyChanges.builder().rateLimits(new RateLimits(null, 5000)).build());
        Decision.Allowed changed = (Decision.Allowed) decide(key, ORIGIN);
        assertThat(changed.perClientPerMinute()).isEqualTo(Decision.Allowed.GATEWAY_DEFAULT);
        assertThat(changed.perKeyPerMinute()).isEqualTo(5000);
    }

    @Test
    void reportMode_servesWhatTheAllowlistRefuses_asReported_andStillRefusesDisabledAndExpiredKeys() {
        String key = createKey(KeySettings.of("n", "agent_1", List.of(ORIGIN)).withMode(KeyMode.REPORT));

        Decision allowed = decide(key, ORIGIN);
        List<Decision> reported = new ArrayList<>();
        for (String origin : new String[] {"https://evil.example", null, "", "null", "not an origin"}) {
            reported.add(decide(key, origin));
        }

        assertThat(allowed).isInstanceOfSatisfying(Decision.Allowed.class, a -> assertThat(a.reported()).isFalse());
        assertThat(reported).allSatisfy(decision -> assertThat(decision).isInstanceOfSatisfying(Decision.Allowed.class,
                a -> {
                    assertThat(a.reported()).isTrue();
                    assertThat(a.agentId()).isEqualTo("agent_1");
                }));
        disable(key);
        assertThat(reason(decide(key, "https://evil.example"))).isEqualTo(DenialReason.KEY_DISABLED);
        String expiring = createKey(KeySettings.of("n", null, List.of()).withMode(KeyMode.REPORT)
                .withExpiresAt(NOW.plusSeconds(1)));
        ticker.advance(Duration.ofSeconds(1));
        assertThat(reason(decide(expiring, "https://evil.example"))).isEqualTo(DenialReason.KEY_EXPIRED);
    }

    @Test
    void everyDecisionForAKnownKey_isCounted_andNoneForAnUnknownOrMalformedOne() {
        String key = createKey(ORIGIN);
        String unknownKey = WidgetKeyFormat.mint();
        decide(key, ORIGIN);
        decide(key, ORIGIN);
        decide(key, "https://evil.example");
        decide(key, null);
        decide(unknownKey, ORIGIN);
        decide("pk_live_short", ORIGIN);
        disable(key);
        decide(key, ORIGIN);

        assertThat(flushedReport(key)).extracting(row -> row.outcome().wire() + " " + row.origin() + " " + row.requests())
                .containsExactlyInAnyOrder("allowed https://acme.com 2", "origin_not_allowed https://evil.example 1",
                        "origin_missing (missing) 1", "key_disabled https://acme.com 1");
        assertThat(store.originCounts(KeyDigest.keyId(unknownKey), List.of(NOW.truncatedTo(ChronoUnit.HOURS)))
                .toCompletableFuture().join()).isEmpty();
    }

    @Test
    void theRememberedOrigin_isCountedWithoutAParse_andAcrossFlushes() {
        String key = createKey(ORIGIN);
        for (int i = 0; i < 3; i++) {
            assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
        }
        traffic.flush().join();
        for (int i = 0; i < 2; i++) {
            assertThat(decider.decideCached(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
        }

        assertThat(flushedReport(key)).extracting(TrafficCount::requests).containsExactly(5L);
    }

    @Test
    void missingAndMalformedKeys_areDeniedWithoutAnyLookup() {
        String corrupted = createKey(ORIGIN).substring(0, 43) + "!";

        assertThat(reason(decide(null, ORIGIN))).isEqualTo(DenialReason.MISSING_KEY);
        assertThat(reason(decide("", ORIGIN))).isEqualTo(DenialReason.MISSING_KEY);
        assertThat(reason(decide("pk_live_short", ORIGIN))).isEqualTo(DenialReason.INVALID_KEY);
        assertThat(reason(decide(corrupted, ORIGIN))).isEqualTo(DenialReason.INVALID_KEY);
        assertThat(store.reads()).isZero();
    }

    @Test
    void anAllowedKey_isDecidedFromTheCache_afterOneRead() {
        String key = createKey(ORIGIN);

        Decision first = decide(key, ORIGIN);
        Decision cached = decider.decideCached(key, ORIGIN);

        assertThat(first).isInstanceOf(Decision.Allowed.class);
        assertThat(((Decision.Allowed) first).agentId()).isEqualTo("agent_1");
        assertThat(cached).isSameAs(first);
        assertThat(store.reads()).isEqualTo(1);
    }

    @Test
    void theDecisionOrder_isKeyThenDisabledThenOrigin() {
        String key = createKey(ORIGIN);
        String disabled = createKey(ORIGIN);
        disable(disabled);
        String unknown = WidgetKeyFormat.mint();

        assertThat(reason(decide(unknown, null))).isEqualTo(DenialReason.UNKNOWN_KEY);
        assertThat(reason(decide(disabled, null))).isEqualTo(DenialReason.KEY_DISABLED);
        assertThat(reason(decide(key, null))).isEqualTo(DenialReason.ORIGIN_MISSING);
        assertThat(reason(decide(key, ""))).isEqualTo(DenialReason.ORIGIN_MISSING);
        assertThat(reason(decide(key, "null"))).isEqualTo(DenialReason.ORIGIN_NOT_ALLOWED);
        assertThat(reason(decide(key, "https://evil.com"))).isEqualTo(DenialReason.ORIGIN_NOT_ALLOWED);
        assertThat(reason(decide(key, "https://acme.com/path"))).isEqualTo(DenialReason.ORIGIN_NOT_ALLOWED);
    }

    @Test
    void concurrentMisses_forOneKey_shareOneStoreRead() {
        String key = createKey(ORIGIN);
        store.holdReads(true);

        CompletableFuture<Decision> first = decider.decide(key, ORIGIN).toCompletableFuture();
        CompletableFuture<Decision> second = decider.decide(key, ORIGIN).toCompletableFuture();
        CompletableFuture<Decision> third = decider.decide(key, "https://evil.com").toCompletableFuture();
        store.releaseOneRead();

        assertThat(store.reads()).isEqualTo(1);
        assertThat(first.join()).isInstanceOf(Decision.Allowed.class);
        assertThat(second.join()).isInstanceOf(Decision.Allowed.class);
        assertThat(reason(third.join())).isEqualTo(DenialReason.ORIGIN_NOT_ALLOWED);
    }

    @Test
    void afterTheTtl_theKeyIsReadAgainBeforeUse_soARevocationWhoseMessageIsLostHoldsWithinTheTtl() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);
        store.dropMessages(true);
        disable(key);

        // Used halfway through the TTL (before the early revalidation), then not until past it.
        ticker.advance(TTL.dividedBy(2));
        assertThat(decider.decideCached(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
        ticker.advance(TTL.dividedBy(2).plusSeconds(1));
        assertThat(decider.decideCached(key, ORIGIN)).as("stale: no decision without a read").isNull();
        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.KEY_DISABLED);
    }

    @Test
    void aKeyUsedShortlyBeforeItsTtl_isReadAgainInTheBackground_soItsUsersNeverWait() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);
        ticker.advance(TTL.multipliedBy(85).dividedBy(100));

        assertThat(decider.decideCached(key, ORIGIN)).as("answered from the entry").isInstanceOf(Decision.Allowed.class);
        assertThat(store.reads()).as("and read again meanwhile").isEqualTo(2);
        decider.decideCached(key, ORIGIN);
        assertThat(store.reads()).as("once").isEqualTo(2);

        ticker.advance(TTL.multipliedBy(30).dividedBy(100));
        assertThat(decider.decideCached(key, ORIGIN)).as("past the first load's TTL, still fresh")
                .isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void theEarlyRead_alsoPicksUpARevocationWhoseMessageWasLost() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);
        store.dropMessages(true);
        disable(key);

        ticker.advance(TTL.multipliedBy(85).dividedBy(100));
        assertThat(decider.decideCached(key, ORIGIN)).as("still within the TTL").isInstanceOf(Decision.Allowed.class);

        assertThat(reason(decider.decideCached(key, ORIGIN))).isEqualTo(DenialReason.KEY_DISABLED);
    }

    @Test
    void aStaleKeyThatDidNotChange_isRenewedByItsVersionAlone() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);
        CachedKey loaded = decider.cache().asMap().get(KeyDigest.keyId(key));
        ticker.advance(TTL.plusSeconds(1));
        assertThat(decider.decideCached(key, ORIGIN)).as("stale").isNull();

        assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);

        assertThat(store.reads()).as("the load, then one version read").isEqualTo(2);
        assertThat(store.recordReads()).as("no record read again").isEqualTo(1);
        assertThat(decider.cache().asMap().get(KeyDigest.keyId(key))).as("the same entry, renewed").isSameAs(loaded);
        assertThat(decider.decideCached(key, ORIGIN)).as("fresh again").isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void aStaleKeyThatChanged_isReadWhole() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);
        store.dropMessages(true);
        disable(key);
        ticker.advance(TTL.plusSeconds(1));

        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.KEY_DISABLED);
        assertThat(store.recordReads()).isEqualTo(2);
    }

    @Test
    void aRenewedEntry_stillExpiresAtItsTime_andStillReports() {
        Duration lifetime = TTL.plusSeconds(10);
        String key = createKey(KeySettings.of("n", null, List.of(ORIGIN)).withMode(KeyMode.REPORT)
                .withExpiresAt(NOW.plus(lifetime)));
        decide(key, ORIGIN);
        CachedKey loaded = decider.cache().asMap().get(KeyDigest.keyId(key));
        ticker.advance(TTL.plusSeconds(1));

        Decision renewed = decide(key, "https://evil.example");
        ticker.advance(lifetime.minus(TTL.plusSeconds(1)));

        assertThat(decider.cache().asMap().get(KeyDigest.keyId(key))).as("renewed in place").isSameAs(loaded);
        assertThat(store.recordReads()).as("by its version alone").isEqualTo(1);
        assertThat(renewed).isInstanceOfSatisfying(Decision.Allowed.class, a -> assertThat(a.reported()).isTrue());
        assertThat(reason(decider.decideCached(key, ORIGIN))).as("at its time, still the renewed entry")
                .isEqualTo(DenialReason.KEY_EXPIRED);
        assertThat(store.recordReads()).isEqualTo(1);
    }

    @Test
    void aStaleKeyWhoseExpiryOrModeChanged_isReadWhole_evenWhenTheMessageWasLost() {
        String key = createKey(ORIGIN);
        String other = createKey(ORIGIN);
        decide(key, ORIGIN);
        decide(other, ORIGIN);
        store.dropMessages(true);
        change(key, WidgetKeyChanges.builder().expiresAt(NOW.plusSeconds(31)).build());
        change(other, WidgetKeyChanges.builder().mode(KeyMode.REPORT).build());
        ticker.advance(TTL.plusSeconds(1));

        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.KEY_EXPIRED);
        assertThat(decide(other, "https://evil.example"))
                .isInstanceOfSatisfying(Decision.Allowed.class, a -> assertThat(a.reported()).isTrue());
        assertThat(store.recordReads()).as("both read whole again").isEqualTo(4);
    }

    @Test
    void anInvalidation_evictsAtOnce() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);

        disable(key);

        assertThat(decider.decideCached(key, ORIGIN)).isNull();
        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.KEY_DISABLED);
    }

    @Test
    void aLoadInFlightDuringAnInvalidation_doesNotPutTheOldStateBack() {
        String key = createKey(ORIGIN);
        store.holdReads(true);
        CompletableFuture<Decision> inFlight = decider.decide(key, ORIGIN).toCompletableFuture();
        // The read above saw the key enabled; now it is disabled, and the message arrives while
        // that read's answer is still on its way.
        disable(key);
        store.releaseOneRead();
        assertThat(store.heldReadCount()).as("the stale answer made the loader read again").isEqualTo(1);
        store.releaseOneRead();

        assertThat(reason(inFlight.join())).isEqualTo(DenialReason.KEY_DISABLED);
        store.holdReads(false);
        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.KEY_DISABLED);
    }

    @Test
    void cacheUpkeepThatRunsWhileAReloadReadsTheStore_doesNotHideLaterInvalidations() {
        DeferredExecutor upkeep = new DeferredExecutor();
        startDecider(upkeep);
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);
        upkeep.runAll();
        // The invalidation removes the cached entry; the cache defers its follow-up work, which
        // then runs on another thread while the next request's reload is reading the store.
        disable(key);
        store.duringRead(upkeep::runAll);
        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.KEY_DISABLED);
        store.duringRead(null);
        upkeep.runAll();

        enable(key);

        assertThat(decider.decideCached(key, ORIGIN)).as("the re-enable reached the cached entry")
                .isNotEqualTo(Decision.Denied.of(DenialReason.KEY_DISABLED));
        assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void unknownKeys_areCachedNegatively_forTheNegativeTtl() {
        String unknown = WidgetKeyFormat.mint();

        assertThat(reason(decide(unknown, ORIGIN))).isEqualTo(DenialReason.UNKNOWN_KEY);
        assertThat(reason(decide(unknown, ORIGIN))).isEqualTo(DenialReason.UNKNOWN_KEY);
        assertThat(store.reads()).isEqualTo(1);

        ticker.advance(NEGATIVE_TTL.plusSeconds(1));
        decide(unknown, ORIGIN);
        assertThat(store.reads()).isEqualTo(2);
    }

    @Test
    void creatingAKey_clearsItsNegativeEntryAtOnce() {
        String key = WidgetKeyFormat.mint();
        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.UNKNOWN_KEY);

        WidgetKey created = WidgetKey.created(KeyDigest.keyId(key), "acct", WidgetKeyFormat.last8(key),
                KeySettings.of("n", null, List.of(ORIGIN)), NOW, null);
        store.insert(created, KeyDigest.sha256Hex(key), NOW, null).toCompletableFuture().join();

        assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void aResubscription_makesEveryEntryStale() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);

        decider.onResubscribed();

        assertThat(decider.decideCached(key, ORIGIN)).isNull();
        decide(key, ORIGIN);
        assertThat(store.reads()).isEqualTo(2);
    }

    @Test
    void duringAnOutage_anAllowedKeyServesForStaleIfErrorPastItsTtl_thenFailsClosed() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);
        store.down(true);

        ticker.advance(TTL.plus(STALE_IF_ERROR).minusSeconds(1));
        assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);

        ticker.advance(Duration.ofSeconds(2));
        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.STORE_UNAVAILABLE);
    }

    @Test
    void duringAnOutage_aDisabledKeyStaysRefused() {
        String key = createKey(ORIGIN);
        disable(key);
        decide(key, ORIGIN);
        store.down(true);

        ticker.advance(TTL.plusSeconds(1));

        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.KEY_DISABLED);
    }

    @Test
    void duringAnOutage_aMissIs503_neverA401() {
        store.down(true);

        assertThat(reason(decide(createKey(ORIGIN), ORIGIN))).isEqualTo(DenialReason.STORE_UNAVAILABLE);
        assertThat(reason(decide(WidgetKeyFormat.mint(), ORIGIN))).isEqualTo(DenialReason.STORE_UNAVAILABLE);
    }

    @Test
    void afterAnOutage_decisionsRecoverByThemselves() {
        String key = createKey(ORIGIN);
        store.down(true);
        assertThat(reason(decide(key, ORIGIN))).isEqualTo(DenialReason.STORE_UNAVAILABLE);

        store.down(false);

        assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void allowedDecisions_markTheKeyUsed_onceAWindow() {
        String key = createKey(ORIGIN);
        decide(key, ORIGIN);
        decide(key, ORIGIN);
        decide(key, "https://evil.com");

        assertThat(usage.pendingCount()).isEqualTo(1);
        usage.flush().join();

        UUID id = KeyDigest.keyId(key);
        assertThat(store.findById(id).toCompletableFuture().join().orElseThrow().key().lastUsedAt()).isEqualTo(NOW);
    }

    @Test
    void withATrustedFilter_anUnknownKeyIsRefused_withoutAStoreRead_andNothingIsCached() {
        filterBuilds.runReady();
        assertThat(existence.isTrusted()).isTrue();

        String unknown = WidgetKeyFormat.mint();

        assertThat(reason(decide(unknown, ORIGIN))).isEqualTo(DenialReason.UNKNOWN_KEY);
        assertThat(store.reads()).isZero();
        assertThat(decider.negativeCache().estimatedSize()).isZero();
    }

    @Test
    void aKeyCreatedAfterTheFilterWasBuilt_isServed() {
        filterBuilds.runReady();

        String key = createKey(ORIGIN);

        assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void aKeyCreatedWhileTheFilterIsBuilt_isServedOnceItIsTrusted() {
        createKey(ORIGIN);
        // The build scans the store, then completes in a second step; the key is created between.
        assertThat(filterBuilds.runOne()).isTrue();
        String createdDuringTheBuild = createKey(ORIGIN);
        filterBuilds.runReady();
        assertThat(existence.isTrusted()).isTrue();

        assertThat(decide(createdDuringTheBuild, ORIGIN)).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void afterAResubscription_theFilterIsNotTrusted_untilItIsRebuilt() {
        filterBuilds.runReady();
        // Announcements lost while the subscription was down: the filter never learns of this key.
        store.dropMessages(true);
        String createdInTheGap = createKey(ORIGIN);
        store.dropMessages(false);

        decider.onResubscribed();

        assertThat(existence.isTrusted()).isFalse();
        assertThat(decide(createdInTheGap, ORIGIN)).as("read from the store").isInstanceOf(Decision.Allowed.class);
        filterBuilds.runReady();
        assertThat(existence.isTrusted()).isTrue();
        assertThat(existence.definitelyAbsent(KeyDigest.keyId(createdInTheGap))).isFalse();
    }

    @Test
    void aBuildThatFails_trustsNothing_andTriesAgain() {
        createKey(ORIGIN);
        store.down(true);
        filterBuilds.runReady();

        assertThat(existence.isTrusted()).as("an empty or partial filter is never trusted").isFalse();
        assertThat(filterBuilds.delayedCount()).as("a retry is scheduled").isEqualTo(1);

        store.down(false);
        filterBuilds.runDelayed();
        assertThat(existence.isTrusted()).isTrue();
    }

    @Test
    void aPeriodicRebuildThatFails_keepsTheFilterInUse() {
        filterBuilds.runReady();
        store.down(true);

        filterBuilds.runPeriodic();

        assertThat(existence.isTrusted()).isTrue();
        assertThat(existence.definitelyAbsent(KeyDigest.keyId(WidgetKeyFormat.mint()))).isTrue();
    }

    @Test
    void duringAnOutage_unknownKeysAre401FromTheFilter_andUncachedKnownKeys503() {
        String known = createKey(ORIGIN);
        filterBuilds.runReady();
        store.down(true);

        assertThat(reason(decide(WidgetKeyFormat.mint(), ORIGIN))).isEqualTo(DenialReason.UNKNOWN_KEY);
        assertThat(reason(decide(known, ORIGIN))).isEqualTo(DenialReason.STORE_UNAVAILABLE);
    }

    @Test
    void aFloodOfUnknownKeys_leavesEveryKnownKeyCached() {
        List<String> known = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            known.add(createKey(ORIGIN));
        }
        known.forEach(key -> decide(key, ORIGIN));

        // The filter is not trusted here, so every unknown key is read and remembered: five times
        // as many as the whole decision cache holds.
        for (int i = 0; i < 5 * CACHE_MAX_KEYS; i++) {
            assertThat(reason(decide(WidgetKeyFormat.mint(), ORIGIN))).isEqualTo(DenialReason.UNKNOWN_KEY);
        }
        decider.negativeCache().cleanUp();
        decider.cache().cleanUp();

        assertThat(decider.negativeCache().estimatedSize()).isLessThanOrEqualTo(NEGATIVE_MAX_KEYS);
        int reads = store.reads();
        for (String key : known) {
            assertThat(decider.cache().asMap()).containsKey(KeyDigest.keyId(key));
            assertThat(decide(key, ORIGIN)).isInstanceOf(Decision.Allowed.class);
        }
        assertThat(store.reads()).as("every known key was still cached").isEqualTo(reads);
    }
}
