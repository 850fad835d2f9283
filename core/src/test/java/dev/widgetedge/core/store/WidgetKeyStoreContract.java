package dev.widgetedge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.audit.Actor;
import dev.widgetedge.core.audit.AuditAction;
import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.audit.AuditQuery;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.report.HourlyTraffic;
import dev.widgetedge.core.report.OriginLabels;
import dev.widgetedge.core.report.ReportLimits;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.widget.KeyMode;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The {@link WidgetKeyStore} contract, run against every implementation: conditional writes,
 * hard delete only while unused, usage never resurrecting a key, invalidations with versions,
 * rotation all or nothing, the audit log written with each mutation, and the origin report's
 * counts and bounds.
 */
abstract class WidgetKeyStoreContract {

    private static final Instant T0 = Instant.parse("2026-11-24T05:51:00.123Z");
    private static final Actor ACTOR = new Actor("tok_1", "ci");
    /** The current UTC hour: the report keeps an hour for 7 days, so older ones are gone at once. */
    private static final Instant HOUR = Instant.now().truncatedTo(ChronoUnit.HOURS);
    private static final LocalDate DAY = LocalDate.ofInstant(HOUR, ZoneOffset.UTC);

    /** The store under test; the same instance for the whole test. */
    protected abstract WidgetKeyStore store();

    /** A store on the same backend whose audit log keeps at most {@code maxEvents} per account. */
    protected abstract WidgetKeyStore storeKeepingEvents(int maxEvents);

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    /** A new key and its plaintext. */
    private record Inserted(String plaintext, WidgetKey key) {
    }

    private Inserted insertNew(String account, Instant createdAt) {
        return insertNew(store(), account, createdAt);
    }

    private static Inserted insertNew(WidgetKeyStore store, String account, Instant createdAt) {
        Inserted minted = mint(account, createdAt);
        WidgetKey key = minted.key();
        assertThat(join(store.insert(key, KeyDigest.sha256Hex(minted.plaintext()), createdAt,
                event(AuditAction.CREATED, key)))).isTrue();
        return minted;
    }

    /** A new key, not stored yet. */
    private static Inserted mint(String account, Instant createdAt) {
        String plaintext = WidgetKeyFormat.mint();
        return new Inserted(plaintext, WidgetKey.created(KeyDigest.keyId(plaintext), account,
                WidgetKeyFormat.last8(plaintext), KeySettings.of("name", null, List.of("https://acme.com")), createdAt,
                null));
    }

    private static AuditEvent event(AuditAction action, WidgetKey key) {
        return new AuditEvent(null, key.updatedAt(), key.accountId(), ACTOR, action, key.id(), key.keyLast8(),
                "{\"name\":{\"from\":null,\"to\":\"" + key.name() + "\"}}");
    }

    private List<AuditEvent> audit(String account, UUID keyId, String before, int limit) {
        return join(store().auditEvents(new AuditQuery(account, keyId, before, limit, Instant.EPOCH))).orElseThrow();
    }

    private static String freshAccount() {
        return "acct_" + UUID.randomUUID();
    }

    private StoredWidgetKey read(UUID id) {
        return join(store().findById(id)).orElseThrow();
    }

    @Test
    void insertedKey_isFoundByIdAndByKey_atVersion1() {
        Inserted inserted = insertNew(freshAccount(), T0);

        StoredWidgetKey byId = read(inserted.key().id());
        Optional<StoredWidgetKey> byKey = join(store().findByKey(KeyLookup.of(inserted.plaintext())));

        assertThat(byId.key()).isEqualTo(inserted.key());
        assertThat(byId.version()).isEqualTo(1);
        assertThat(byKey).contains(byId);
    }

    @Test
    void findByKey_withTheRightIdButAnotherDigest_findsNothing() {
        Inserted inserted = insertNew(freshAccount(), T0);

        KeyLookup forged = new KeyLookup(inserted.key().id(), KeyDigest.sha256Hex("something else"));

        assertThat(join(store().findByKey(forged))).isEmpty();
    }

    @Test
    void scanKeyIds_passesEveryStoredKey_andNoDeletedOne() {
        String account = freshAccount();
        Set<UUID> inserted = new HashSet<>();
        for (int i = 0; i < 2500; i++) {
            inserted.add(insertNew(account, T0).key().id());
        }
        Inserted deleted = insertNew(account, T0);
        assertThat(join(store().removeUnused(read(deleted.key().id()), T0, null))).isTrue();

        Set<UUID> scanned = new HashSet<>();
        join(store().scanKeyIds(scanned::add));

        assertThat(scanned).containsAll(inserted).doesNotContain(deleted.key().id());
        assertThat(scanned).allSatisfy(id -> assertThat(join(store().findById(id))).isPresent());
    }

    @Test
    void versionOf_followsEveryChange_andIsEmptyOnceTheKeyIsGone() {
        Inserted inserted = insertNew(freshAccount(), T0);
        UUID id = inserted.key().id();

        assertThat(join(store().versionOf(id))).hasValue(1);
        StoredWidgetKey v1 = read(id);
        assertThat(join(store().replace(v1, v1.key().disable(T0.plusSeconds(1)), T0.plusSeconds(1), null))).isTrue();
        assertThat(join(store().versionOf(id))).hasValue(2);
        join(store().recordUsage(id, T0.plusSeconds(2)));
        assertThat(join(store().versionOf(id))).as("a use is no change").hasValue(2);
        StoredWidgetKey v2 = read(id);
        WidgetKeyChanges lifecycle = WidgetKeyChanges.builder().disabled(false).expiresAt(T0.plusSeconds(60))
                .mode(KeyMode.REPORT).rateLimits(new RateLimits(null, 10)).build();
        assertThat(join(store().replace(v2, v2.key().apply(lifecycle, T0.plusSeconds(3)), T0.plusSeconds(3), null)))
                .isTrue();
        assertThat(join(store().versionOf(id))).as("expiry, mode and rate limits are changes").hasValue(3);
        StoredWidgetKey v3 = read(id);
        Inserted minted = mint(v3.key().accountId(), T0.plusSeconds(4));
        assertThat(join(store().rotate(v3, v3.key().rotatedTo(minted.key().id(), T0.plusSeconds(4), Duration.ZERO),
                minted.key(), KeyDigest.sha256Hex(minted.plaintext()), T0.plusSeconds(4), null, null)))
                .isEqualTo(WidgetKeyStore.RotateResult.ROTATED);
        assertThat(join(store().versionOf(id))).as("a rotation changes the old key").hasValue(4);
        assertThat(join(store().versionOf(minted.key().id()))).as("and stores the new one").hasValue(1);
        Inserted removed = insertNew(freshAccount(), T0);
        assertThat(join(store().removeUnused(read(removed.key().id()), T0, null))).isTrue();
        assertThat(join(store().versionOf(removed.key().id()))).isEmpty();
        assertThat(join(store().versionOf(UUID.randomUUID()))).isEmpty();
    }

    @Test
    void insert_ofAnExistingId_isRefused() {
        Inserted inserted = insertNew(freshAccount(), T0);

        assertThat(join(store().insert(inserted.key(), "digest", T0, event(AuditAction.CREATED, inserted.key()))))
                .isFalse();
        assertThat(audit(inserted.key().accountId(), null, null, 10)).hasSize(1);
    }

    @Test
    void listByAccount_isNewestFirst_andOnlyThatAccount() {
        String account = freshAccount();
        Inserted older = insertNew(account, T0);
        Inserted newer = insertNew(account, T0.plusSeconds(1));
        insertNew(freshAccount(), T0.plusSeconds(2));

        assertThat(join(store().listByAccount(account))).containsExactly(newer.key(), older.key());
    }

    @Test
    void replace_atTheReadVersion_appliesAndIncrementsTheVersion() {
        Inserted inserted = insertNew(freshAccount(), T0);
        StoredWidgetKey current = read(inserted.key().id());
        WidgetKey renamed = current.key().apply(WidgetKeyChanges.builder().name("renamed").agentId("agent_1")
                .disabled(true).expiresAt(T0.plusSeconds(60)).mode(KeyMode.REPORT)
                .rateLimits(new RateLimits(120, 1_000_000)).build(), T0.plusSeconds(5));

        assertThat(join(store().replace(current, renamed, T0.plusSeconds(5), null))).isTrue();

        StoredWidgetKey after = read(inserted.key().id());
        assertThat(after.version()).isEqualTo(2);
        assertThat(after.key()).isEqualTo(renamed);
    }

    @Test
    void replace_atAStaleVersion_isRefused_andChangesNothing() {
        Inserted inserted = insertNew(freshAccount(), T0);
        StoredWidgetKey stale = read(inserted.key().id());
        join(store().replace(stale, stale.key().disable(T0.plusSeconds(1)), T0.plusSeconds(1), null));

        WidgetKey lost = stale.key().apply(WidgetKeyChanges.builder().name("lost update").build(), T0.plusSeconds(2));
        boolean applied = join(store().replace(stale, lost, T0.plusSeconds(2), event(AuditAction.UPDATED, lost)));

        assertThat(applied).isFalse();
        assertThat(read(inserted.key().id()).key().name()).isEqualTo("name");
        assertThat(read(inserted.key().id()).version()).isEqualTo(2);
        assertThat(audit(inserted.key().accountId(), null, null, 10)).extracting(AuditEvent::action)
                .as("a refused write appends no event").containsExactly(AuditAction.CREATED);
    }

    @Test
    void replace_keepsTheStoredLastUsedAt() {
        Inserted inserted = insertNew(freshAccount(), T0);
        StoredWidgetKey current = read(inserted.key().id());
        join(store().recordUsage(inserted.key().id(), T0.plusSeconds(3)));

        join(store().replace(current, current.key().disable(T0.plusSeconds(4)), T0.plusSeconds(4), null));

        assertThat(read(inserted.key().id()).key().lastUsedAt()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void removeUnused_deletesANeverUsedKey() {
        String account = freshAccount();
        Inserted inserted = insertNew(account, T0);

        assertThat(join(store().removeUnused(read(inserted.key().id()), T0.plusSeconds(1), null))).isTrue();

        assertThat(join(store().findById(inserted.key().id()))).isEmpty();
        assertThat(join(store().findByKey(KeyLookup.of(inserted.plaintext())))).isEmpty();
        assertThat(join(store().listByAccount(account))).isEmpty();
    }

    @Test
    void removeUnused_afterAUseWasRecorded_isRefused() {
        Inserted inserted = insertNew(freshAccount(), T0);
        StoredWidgetKey readBeforeUse = read(inserted.key().id());
        join(store().recordUsage(inserted.key().id(), T0.plusSeconds(1)));

        assertThat(join(store().removeUnused(readBeforeUse, T0.plusSeconds(2), null))).isFalse();
        assertThat(join(store().findById(inserted.key().id()))).isPresent();
    }

    @Test
    void recordUsage_keepsTheLatestUse_andNeverRecreatesADeletedKey() {
        Inserted inserted = insertNew(freshAccount(), T0);
        UUID id = inserted.key().id();

        join(store().recordUsage(id, T0.plusSeconds(10)));
        join(store().recordUsage(id, T0.plusSeconds(5)));
        assertThat(read(id).key().lastUsedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(read(id).version()).as("use changes no decision, so no new version").isEqualTo(1);

        Inserted removed = insertNew(freshAccount(), T0);
        join(store().removeUnused(read(removed.key().id()), T0, null));
        join(store().recordUsage(removed.key().id(), T0.plusSeconds(1)));
        assertThat(join(store().findById(removed.key().id()))).isEmpty();
    }

    @Test
    void subscribe_reportsTheSubscriptionOnceItIsInPlace() throws Exception {
        List<Boolean> established = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = store().subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
            }

            @Override
            public void onResubscribed() {
                established.add(true);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !established.isEmpty());
            assertThat(established).hasSize(1);
        } finally {
            subscription.close();
        }
    }

    @Test
    void everyMutation_publishesItsVersion_andRefusedOnesPublishNothing() throws Exception {
        List<Invalidation> received = new CopyOnWriteArrayList<>();
        List<Boolean> resubscribed = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = store().subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
                received.add(invalidation);
            }

            @Override
            public void onResubscribed() {
                resubscribed.add(true);
            }
        });
        try {
            awaitSubscribed(resubscribed);
            Inserted inserted = insertNew(freshAccount(), T0);
            UUID id = inserted.key().id();
            StoredWidgetKey v1 = read(id);
            join(store().replace(v1, v1.key().disable(T0.plusSeconds(1)), T0.plusSeconds(1), null));
            join(store().replace(v1, v1.key().disable(T0.plusSeconds(2)), T0.plusSeconds(2), null));
            join(store().removeUnused(read(id), T0.plusSeconds(3), null));

            await().atMost(Duration.ofSeconds(10)).until(() -> received.stream()
                    .filter(i -> i.keyId().equals(id)).count() == 3);
            assertThat(received.stream().filter(i -> i.keyId().equals(id)).map(Invalidation::version))
                    .containsExactly(1L, 2L, 3L);
            assertThat(received.stream().filter(i -> i.keyId().equals(id)).map(Invalidation::publishedAt))
                    .containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(3));
        } finally {
            subscription.close();
        }
    }

    // ---- the audit log ---------------------------------------------------------------------------------

    @Test
    void everyMutation_appendsItsEvent_withAnIdThatGrows_newestFirst() {
        Inserted inserted = insertNew(freshAccount(), T0);
        StoredWidgetKey v1 = read(inserted.key().id());
        WidgetKey disabled = v1.key().disable(T0.plusSeconds(1));
        join(store().replace(v1, disabled, T0.plusSeconds(1), event(AuditAction.DISABLED, disabled)));

        List<AuditEvent> events = audit(inserted.key().accountId(), null, null, 10);

        assertThat(events).extracting(AuditEvent::action).containsExactly(AuditAction.DISABLED, AuditAction.CREATED);
        assertThat(events.get(0)).isEqualTo(event(AuditAction.DISABLED, disabled).withId(events.get(0).id()));
        assertThat(events).allSatisfy(event -> assertThat(event.id()).matches("[0-9]+-[0-9]+"));
        assertThat(MemoryAuditLog.EventId.parse(events.get(0).id()))
                .isGreaterThan(MemoryAuditLog.EventId.parse(events.get(1).id()));
    }

    @Test
    void theAuditLog_pagesWithBefore_filtersByKey_andRefusesAnUnknownCursor() {
        String account = freshAccount();
        Inserted first = insertNew(account, T0);
        Inserted second = insertNew(account, T0.plusSeconds(1));
        StoredWidgetKey current = read(first.key().id());
        WidgetKey renamed = current.key().apply(WidgetKeyChanges.builder().name("renamed").build(), T0.plusSeconds(2));
        join(store().replace(current, renamed, T0.plusSeconds(2), event(AuditAction.UPDATED, renamed)));

        List<AuditEvent> all = audit(account, null, null, 10);
        List<AuditEvent> firstPage = audit(account, null, null, 2);
        List<AuditEvent> secondPage = audit(account, null, firstPage.get(1).id(), 2);

        assertThat(all).hasSize(3);
        assertThat(firstPage).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(secondPage).containsExactly(all.get(2));
        assertThat(audit(account, first.key().id(), null, 10)).extracting(AuditEvent::action)
                .containsExactly(AuditAction.UPDATED, AuditAction.CREATED);
        assertThat(audit(account, second.key().id(), all.get(0).id(), 10)).extracting(AuditEvent::keyId)
                .containsExactly(second.key().id());
        assertThat(audit(account, UUID.randomUUID(), null, 10)).isEmpty();
        assertThat(audit(freshAccount(), null, null, 10)).as("another account's log").isEmpty();
        assertThat(join(store().auditEvents(new AuditQuery(account, null, "1-0", 10, Instant.EPOCH)))).isEmpty();
    }

    @Test
    void theAuditLog_hidesEventsOlderThanTheQuerysRetention() {
        String account = freshAccount();
        insertNew(account, Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MILLIS));

        assertThat(join(store().auditEvents(new AuditQuery(account, null, null, 10, Instant.now().plusSeconds(60)))))
                .contains(List.of());
    }

    @Test
    void theAuditLog_keepsAtMostItsCapOfEventsPerAccount_droppingTheOldest() {
        WidgetKeyStore capped = storeKeepingEvents(3);
        String account = freshAccount();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(insertNew(capped, account, T0.plusSeconds(i)).key().id());
        }

        List<AuditEvent> kept = join(capped.auditEvents(new AuditQuery(account, null, null, 10, Instant.EPOCH)))
                .orElseThrow();

        assertThat(kept).extracting(AuditEvent::keyId).containsExactly(ids.get(4), ids.get(3), ids.get(2));
        assertThat(join(capped.auditEvents(new AuditQuery(account, ids.get(0), null, 10, Instant.EPOCH))))
                .as("a key's events go with the log's").contains(List.of());
    }

    @Test
    void aHardDelete_appendsItsEvent_andTheKeysEventsOutliveIt() {
        Inserted inserted = insertNew(freshAccount(), T0);
        join(store().removeUnused(read(inserted.key().id()), T0.plusSeconds(1),
                new AuditEvent(null, T0.plusSeconds(1), inserted.key().accountId(), ACTOR, AuditAction.DELETED,
                        inserted.key().id(), inserted.key().keyLast8(), "{}")));

        assertThat(audit(inserted.key().accountId(), inserted.key().id(), null, 10)).extracting(AuditEvent::action)
                .containsExactly(AuditAction.DELETED, AuditAction.CREATED);
    }

    // ---- rotation ------------------------------------------------------------------------------------

    @Test
    void rotate_writesBothKeysBothEventsAndBothInvalidations() throws Exception {
        List<Invalidation> received = new CopyOnWriteArrayList<>();
        List<Boolean> resubscribed = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = store().subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
                received.add(invalidation);
            }

            @Override
            public void onResubscribed() {
                resubscribed.add(true);
            }
        });
        try {
            awaitSubscribed(resubscribed);
            Inserted old = insertNew(freshAccount(), T0);
            StoredWidgetKey current = read(old.key().id());
            Inserted minted = mint(old.key().accountId(), T0.plusSeconds(1));
            WidgetKey successor = minted.key();
            String successorPlaintext = minted.plaintext();
            WidgetKey retired = current.key().rotatedTo(successor.id(), T0.plusSeconds(1), Duration.ofHours(1));

            WidgetKeyStore.RotateResult result = join(store().rotate(current, retired, successor,
                    KeyDigest.sha256Hex(successorPlaintext), T0.plusSeconds(1), event(AuditAction.ROTATED, retired),
                    event(AuditAction.CREATED, successor)));

            assertThat(result).isEqualTo(WidgetKeyStore.RotateResult.ROTATED);
            assertThat(read(old.key().id())).isEqualTo(new StoredWidgetKey(retired, 2));
            assertThat(read(successor.id())).isEqualTo(new StoredWidgetKey(successor, 1));
            assertThat(join(store().findByKey(KeyLookup.of(successorPlaintext)))).isPresent();
            assertThat(join(store().listByAccount(old.key().accountId()))).containsExactly(successor, retired);
            assertThat(audit(old.key().accountId(), null, null, 10)).extracting(AuditEvent::action)
                    .containsExactly(AuditAction.CREATED, AuditAction.ROTATED, AuditAction.CREATED);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received)
                    .contains(new Invalidation(old.key().id(), 2, T0.plusSeconds(1)),
                            new Invalidation(successor.id(), 1, T0.plusSeconds(1))));
        } finally {
            subscription.close();
        }
    }

    @Test
    void rotate_ofAStaleRead_orOntoATakenId_writesNothing() {
        Inserted old = insertNew(freshAccount(), T0);
        StoredWidgetKey stale = read(old.key().id());
        join(store().replace(stale, stale.key().disable(T0.plusSeconds(1)), T0.plusSeconds(1), null));
        WidgetKey successor = mint(old.key().accountId(), T0.plusSeconds(2)).key();
        WidgetKey retired = stale.key().rotatedTo(successor.id(), T0.plusSeconds(2), Duration.ZERO);
        Inserted taken = insertNew(old.key().accountId(), T0);
        StoredWidgetKey fresh = read(old.key().id());

        WidgetKeyStore.RotateResult conflict = join(store().rotate(stale, retired, successor, "digest",
                T0.plusSeconds(2), event(AuditAction.ROTATED, retired), event(AuditAction.CREATED, successor)));
        WidgetKeyStore.RotateResult idTaken = join(store().rotate(fresh, retired, taken.key(), "digest",
                T0.plusSeconds(2), event(AuditAction.ROTATED, retired), event(AuditAction.CREATED, taken.key())));

        assertThat(conflict).isEqualTo(WidgetKeyStore.RotateResult.CONFLICT);
        assertThat(idTaken).isEqualTo(WidgetKeyStore.RotateResult.ID_TAKEN);
        assertThat(read(old.key().id())).isEqualTo(fresh);
        assertThat(join(store().findById(successor.id()))).isEmpty();
        assertThat(audit(old.key().accountId(), null, null, 10)).extracting(AuditEvent::action)
                .containsExactly(AuditAction.CREATED, AuditAction.CREATED);
    }

    // ---- the origin report and the usage ------------------------------------------------------------

    private static TrafficCount count(String origin, ReportOutcome outcome, long requests, int firstSecond,
            int lastSecond) {
        return new TrafficCount(origin, outcome, requests, HOUR.plusSeconds(firstSecond), HOUR.plusSeconds(lastSecond));
    }

    @Test
    void recordTraffic_addsUpPerOriginAndOutcome_andIntoTheDaysUsage() {
        UUID id = insertNew(freshAccount(), T0).key().id();

        join(store().recordTraffic(id, HOUR, List.of(count("https://acme.com", ReportOutcome.ALLOWED, 3, 10, 20),
                count("https://evil.example", ReportOutcome.ORIGIN_NOT_ALLOWED, 2, 15, 15))));
        join(store().recordTraffic(id, HOUR, List.of(count("https://acme.com", ReportOutcome.ALLOWED, 4, 5, 30),
                count(OriginLabels.NULL, ReportOutcome.REPORTED, 1, 40, 40))));
        Instant hourBefore = HOUR.minus(1, ChronoUnit.HOURS);
        join(store().recordTraffic(id, hourBefore,
                List.of(count("https://acme.com", ReportOutcome.ALLOWED, 1, -3600, -3600))));

        assertThat(join(store().originCounts(id, List.of(HOUR)))).containsExactlyInAnyOrder(
                count("https://acme.com", ReportOutcome.ALLOWED, 7, 5, 30),
                count("https://evil.example", ReportOutcome.ORIGIN_NOT_ALLOWED, 2, 15, 15),
                count(OriginLabels.NULL, ReportOutcome.REPORTED, 1, 40, 40));
        assertThat(join(store().originCounts(id, List.of(hourBefore, HOUR.minus(2, ChronoUnit.HOURS)))))
                .containsExactly(count("https://acme.com", ReportOutcome.ALLOWED, 1, -3600, -3600));
        List<UsageDay> days = join(store().usageDays(id, List.of(DAY, DAY.minusDays(1))));
        assertThat(days.get(0)).isEqualTo(new UsageDay(DAY, hourBefore.isBefore(DAY.atStartOfDay(ZoneOffset.UTC)
                .toInstant()) ? 8 : 9, 2, 0));
        assertThat(days.stream().mapToLong(UsageDay::allowed).sum()).isEqualTo(9);
    }

    @Test
    void recordTraffic_keepsAtMostTheCapOfDistinctOriginsPerHour_theRestAsOther_andFixedLabelsFree() {
        UUID id = insertNew(freshAccount(), T0).key().id();
        List<TrafficCount> hostile = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            hostile.add(count("https://h" + i + ".evil.example", ReportOutcome.ORIGIN_NOT_ALLOWED, 1, 1, 2));
        }
        join(store().recordTraffic(id, HOUR, hostile.subList(0, 400)));
        join(store().recordTraffic(id, HOUR, hostile.subList(400, 1000)));
        join(store().recordTraffic(id, HOUR, List.of(count(OriginLabels.MISSING, ReportOutcome.ORIGIN_MISSING, 1, 1, 1),
                count("https://h0.evil.example", ReportOutcome.KEY_DISABLED, 1, 3, 3))));

        List<TrafficCount> rows = join(store().originCounts(id, List.of(HOUR)));

        assertThat(rows).filteredOn(row -> row.outcome() == ReportOutcome.ORIGIN_NOT_ALLOWED)
                .hasSize(ReportLimits.MAX_ORIGINS_PER_HOUR + 1)
                .contains(count(OriginLabels.OTHER, ReportOutcome.ORIGIN_NOT_ALLOWED, 900, 1, 2));
        assertThat(rows).as("an origin kept already takes another outcome; a fixed label is never capped")
                .contains(count("https://h0.evil.example", ReportOutcome.KEY_DISABLED, 1, 3, 3),
                        count(OriginLabels.MISSING, ReportOutcome.ORIGIN_MISSING, 1, 1, 1));
        assertThat(rows).hasSize(ReportLimits.MAX_ORIGINS_PER_HOUR + 3);
    }

    @Test
    void recordTraffic_forAKeyThatIsGone_writesNothing() {
        Inserted inserted = insertNew(freshAccount(), T0);
        UUID id = inserted.key().id();
        join(store().removeUnused(read(id), T0, null));

        join(store().recordTraffic(id, HOUR, List.of(count("https://acme.com", ReportOutcome.ALLOWED, 1, 1, 1))));

        assertThat(join(store().originCounts(id, List.of(HOUR)))).isEmpty();
        assertThat(join(store().usageDays(id, List.of(DAY)))).isEmpty();
    }

    @Test
    void recordTraffic_ofSeveralKeysAtOnce_writesEachKeysCountsToItsHour_andNothingForAKeyThatIsGone() {
        UUID first = insertNew(freshAccount(), T0).key().id();
        UUID second = insertNew(freshAccount(), T0).key().id();
        UUID gone = insertNew(freshAccount(), T0).key().id();
        join(store().removeUnused(read(gone), T0, null));
        Instant hourBefore = HOUR.minus(1, ChronoUnit.HOURS);

        join(store().recordTraffic(List.of(
                new HourlyTraffic(first, HOUR, List.of(count("https://acme.com", ReportOutcome.ALLOWED, 3, 10, 20))),
                new HourlyTraffic(gone, HOUR, List.of(count("https://acme.com", ReportOutcome.ALLOWED, 5, 10, 20))),
                new HourlyTraffic(second, HOUR, List.of(count("https://a.example", ReportOutcome.ALLOWED, 1, 11, 11),
                        count(OriginLabels.MISSING, ReportOutcome.ORIGIN_MISSING, 2, 12, 13))),
                new HourlyTraffic(first, hourBefore, List.of(count("https://acme.com", ReportOutcome.ALLOWED, 4, -10, -5))),
                new HourlyTraffic(first, HOUR, List.of(count("https://acme.com", ReportOutcome.ALLOWED, 1, 30, 30))))));

        assertThat(join(store().originCounts(first, List.of(HOUR))))
                .containsExactly(count("https://acme.com", ReportOutcome.ALLOWED, 4, 10, 30));
        assertThat(join(store().originCounts(first, List.of(hourBefore))))
                .containsExactly(count("https://acme.com", ReportOutcome.ALLOWED, 4, -10, -5));
        assertThat(join(store().originCounts(second, List.of(HOUR)))).containsExactlyInAnyOrder(
                count("https://a.example", ReportOutcome.ALLOWED, 1, 11, 11),
                count(OriginLabels.MISSING, ReportOutcome.ORIGIN_MISSING, 2, 12, 13));
        assertThat(join(store().originCounts(gone, List.of(HOUR)))).isEmpty();
        assertThat(join(store().usageDays(gone, List.of(DAY)))).isEmpty();
        assertThat(join(store().usageDays(second, List.of(DAY)))).containsExactly(new UsageDay(DAY, 1, 2, 0));
    }

    /** Waits until the subscription is live: every implementation reports it. */
    protected static void awaitSubscribed(List<Boolean> resubscribed) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !resubscribed.isEmpty());
    }

    @Test
    void changeLog_startsAtItsEnd_thenReturnsEveryLaterChangeInOrder_andRefusedOnesNotAtAll() {
        ChangeCursor start = join(store().changesSince(null, 100)).next();
        Inserted inserted = insertNew(freshAccount(), T0);
        UUID id = inserted.key().id();
        StoredWidgetKey v1 = read(id);
        join(store().replace(v1, v1.key().disable(T0.plusSeconds(1)), T0.plusSeconds(1), null));
        join(store().replace(v1, v1.key().disable(T0.plusSeconds(2)), T0.plusSeconds(2), null));
        join(store().removeUnused(read(id), T0.plusSeconds(3), null));

        ChangeBatch batch = join(store().changesSince(start, 100));

        assertThat(batch.changes()).containsExactly(new Invalidation(id, 1, T0),
                new Invalidation(id, 2, T0.plusSeconds(1)), new Invalidation(id, 3, T0.plusSeconds(3)));
        assertThat(batch.complete()).isTrue();
        assertThat(batch.gap()).isFalse();
        ChangeBatch after = join(store().changesSince(batch.next(), 100));
        assertThat(after.changes()).isEmpty();
        assertThat(after.complete()).isTrue();
    }

    @Test
    void changeLog_readsABacklogInBatchesOfTheAskedSize() {
        ChangeCursor cursor = join(store().changesSince(null, 100)).next();
        List<UUID> created = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(insertNew(freshAccount(), T0).key().id());
        }

        List<UUID> read = new java.util.ArrayList<>();
        List<Boolean> completes = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ChangeBatch batch = join(store().changesSince(cursor, 2));
            batch.changes().forEach(change -> read.add(change.keyId()));
            completes.add(batch.complete());
            cursor = batch.next();
        }

        assertThat(read).containsExactlyElementsOf(created);
        assertThat(completes).containsExactly(false, false, true);
    }

    @Test
    void changeLog_reportsAGap_forACursorOlderThanTheLogKeeps() {
        ChangeCursor start = join(store().changesSince(null, 100)).next();
        insertNew(freshAccount(), T0);
        ChangeCursor outdated = new ChangeCursor(start.position(),
                start.readAtMillis() - WidgetKeyStore.CHANGE_LOG_RETENTION.toMillis());

        ChangeBatch batch = join(store().changesSince(outdated, 100));

        assertThat(batch.gap()).isTrue();
        assertThat(batch.changes()).isEmpty();
        assertThat(join(store().changesSince(batch.next(), 100)).changes())
                .as("the gap's cursor is the log's end").isEmpty();
    }

    @Test
    void recordUsages_writesEachKeysUse_keepsLaterOnes_andRecreatesNothing() {
        Inserted first = insertNew(freshAccount(), T0);
        Inserted second = insertNew(freshAccount(), T0);
        Inserted removed = insertNew(freshAccount(), T0);
        join(store().recordUsage(second.key().id(), T0.plusSeconds(20)));
        join(store().removeUnused(read(removed.key().id()), T0, null));

        join(store().recordUsages(java.util.Map.of(first.key().id(), T0.plusSeconds(10),
                second.key().id(), T0.plusSeconds(15), removed.key().id(), T0.plusSeconds(15))));

        assertThat(read(first.key().id()).key().lastUsedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(read(second.key().id()).key().lastUsedAt()).as("a later use stays").isEqualTo(T0.plusSeconds(20));
        assertThat(join(store().findById(removed.key().id()))).isEmpty();
    }
}
