package dev.widgetedge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The {@link WidgetKeyStore} contract, run against every implementation: conditional writes,
 * hard delete only while unused, usage never resurrecting a key, invalidations with versions.
 */
abstract class WidgetKeyStoreContract {

    private static final Instant T0 = Instant.parse("2026-11-24T05:51:00.123Z");

    /** The store under test; the same instance for the whole test. */
    protected abstract WidgetKeyStore store();

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    /** A new key in a fresh account, inserted; returns the plaintext and the key. */
    private record Inserted(String plaintext, WidgetKey key) {
    }

    private Inserted insertNew(String account, Instant createdAt) {
        String plaintext = WidgetKeyFormat.mint();
        WidgetKey key = new WidgetKey(KeyDigest.keyId(plaintext), account, "name", null,
                List.of("https://acme.com"), WidgetKeyFormat.last8(plaintext), createdAt, createdAt, null, null);
        assertThat(join(store().insert(key, KeyDigest.sha256Hex(plaintext), createdAt))).isTrue();
        return new Inserted(plaintext, key);
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
        assertThat(join(store().removeUnused(read(deleted.key().id()), T0))).isTrue();

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
        assertThat(join(store().replace(v1, v1.key().disable(T0.plusSeconds(1)), T0.plusSeconds(1)))).isTrue();
        assertThat(join(store().versionOf(id))).hasValue(2);
        join(store().recordUsage(id, T0.plusSeconds(2)));
        assertThat(join(store().versionOf(id))).as("a use is no change").hasValue(2);
        Inserted removed = insertNew(freshAccount(), T0);
        assertThat(join(store().removeUnused(read(removed.key().id()), T0))).isTrue();
        assertThat(join(store().versionOf(removed.key().id()))).isEmpty();
        assertThat(join(store().versionOf(UUID.randomUUID()))).isEmpty();
    }

    @Test
    void insert_ofAnExistingId_isRefused() {
        Inserted inserted = insertNew(freshAccount(), T0);

        assertThat(join(store().insert(inserted.key(), "digest", T0))).isFalse();
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
        WidgetKey renamed = current.key().apply(new WidgetKeyChanges("renamed", null, true, "agent_1", true),
                T0.plusSeconds(5));

        assertThat(join(store().replace(current, renamed, T0.plusSeconds(5)))).isTrue();

        StoredWidgetKey after = read(inserted.key().id());
        assertThat(after.version()).isEqualTo(2);
        assertThat(after.key()).isEqualTo(renamed);
    }

    @Test
    void replace_atAStaleVersion_isRefused_andChangesNothing() {
        Inserted inserted = insertNew(freshAccount(), T0);
        StoredWidgetKey stale = read(inserted.key().id());
        join(store().replace(stale, stale.key().disable(T0.plusSeconds(1)), T0.plusSeconds(1)));

        boolean applied = join(store().replace(stale, stale.key().apply(
                new WidgetKeyChanges("lost update", null, false, null, null), T0.plusSeconds(2)), T0.plusSeconds(2)));

        assertThat(applied).isFalse();
        assertThat(read(inserted.key().id()).key().name()).isEqualTo("name");
        assertThat(read(inserted.key().id()).version()).isEqualTo(2);
    }

    @Test
    void replace_keepsTheStoredLastUsedAt() {
        Inserted inserted = insertNew(freshAccount(), T0);
        StoredWidgetKey current = read(inserted.key().id());
        join(store().recordUsage(inserted.key().id(), T0.plusSeconds(3)));

        join(store().replace(current, current.key().disable(T0.plusSeconds(4)), T0.plusSeconds(4)));

        assertThat(read(inserted.key().id()).key().lastUsedAt()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void removeUnused_deletesANeverUsedKey() {
        String account = freshAccount();
        Inserted inserted = insertNew(account, T0);

        assertThat(join(store().removeUnused(read(inserted.key().id()), T0.plusSeconds(1)))).isTrue();

        assertThat(join(store().findById(inserted.key().id()))).isEmpty();
        assertThat(join(store().findByKey(KeyLookup.of(inserted.plaintext())))).isEmpty();
        assertThat(join(store().listByAccount(account))).isEmpty();
    }

    @Test
    void removeUnused_afterAUseWasRecorded_isRefused() {
        Inserted inserted = insertNew(freshAccount(), T0);
        StoredWidgetKey readBeforeUse = read(inserted.key().id());
        join(store().recordUsage(inserted.key().id(), T0.plusSeconds(1)));

        assertThat(join(store().removeUnused(readBeforeUse, T0.plusSeconds(2)))).isFalse();
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
        join(store().removeUnused(read(removed.key().id()), T0));
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
            join(store().replace(v1, v1.key().disable(T0.plusSeconds(1)), T0.plusSeconds(1)));
            join(store().replace(v1, v1.key().disable(T0.plusSeconds(2)), T0.plusSeconds(2)));
            join(store().removeUnused(read(id), T0.plusSeconds(3)));

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

    /** Waits until the subscription is live: every implementation reports it. */
    protected static void awaitSubscribed(List<Boolean> resubscribed) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !resubscribed.isEmpty());
    }
}
