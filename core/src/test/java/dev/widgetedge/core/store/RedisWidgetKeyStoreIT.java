package dev.widgetedge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.report.HourlyTraffic;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real redis-server, plus what only Redis can do: lose and resubscribe. */
class RedisWidgetKeyStoreIT extends WidgetKeyStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static RedisConnector redis;
    static RedisWidgetKeyStore store;

    @BeforeAll
    static void connect() throws InterruptedException {
        redis = RedisConnector.start(REDIS.server().uri(), Duration.ofSeconds(2));
        assertThat(redis.awaitConnected(Duration.ofSeconds(10))).isTrue();
        store = new RedisWidgetKeyStore(redis);
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Override
    protected WidgetKeyStore store() {
        return store;
    }

    @Override
    protected WidgetKeyStore storeKeepingEvents(int maxEvents) {
        return new RedisWidgetKeyStore(redis, new AuditLimits(AuditLimits.DEFAULT_RETENTION, maxEvents));
    }

    @Test
    void subscription_reportsAResubscribe_afterRedisComesBack() throws Exception {
        List<Boolean> resubscribed = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = store.subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
            }

            @Override
            public void onResubscribed() {
                resubscribed.add(true);
            }
        });
        try {
            awaitSubscribed(resubscribed);
            int before = resubscribed.size();

            REDIS.server().stop();
            REDIS.server().start();

            await().atMost(Duration.ofSeconds(30)).until(() -> resubscribed.size() > before);
        } finally {
            subscription.close();
        }
    }

    @Test
    void calls_failWithAStoreException_whileRedisIsDown() {
        REDIS.server().stop();
        try {
            assertThat(store.ping().toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(StoreException.class);
        } finally {
            REDIS.server().start();
        }
    }

    @Test
    void scanKeyIds_readsTheAccountIndexes_onceTheAccountSetIsMarkedComplete() {
        // As in a Redis written before the account set was kept (other tests may have marked it).
        redis.call(commands -> commands.hdel(RedisLayout.META, RedisLayout.F_ACCOUNTS_INDEXED)).toCompletableFuture().join();
        WidgetKey indexed = insert("acct_scan_" + UUID.randomUUID());
        // A record no account index names: only a scan of the records themselves would find it.
        UUID stray = UUID.randomUUID();
        redis.call(commands -> commands.hset(RedisLayout.widgetKey(stray), "id", stray.toString()))
                .toCompletableFuture().join();

        Set<UUID> beforeIndexing = scanned();
        store.indexAccounts().toCompletableFuture().join();
        Set<UUID> afterIndexing = scanned();
        // The stray is no record the other tests could read.
        redis.call(commands -> commands.del(RedisLayout.widgetKey(stray))).toCompletableFuture().join();

        assertThat(beforeIndexing).as("scanning the records").contains(indexed.id(), stray);
        assertThat(afterIndexing).as("reading the account indexes").contains(indexed.id()).doesNotContain(stray);
    }

    @Test
    void indexAccounts_findsTheAccountsOfKeysWrittenBeforeTheSetWasKept() {
        String account = "acct_old_" + UUID.randomUUID();
        UUID old = UUID.randomUUID();
        // As a create wrote it before the account set existed: record and index, no set member.
        redis.call(commands -> commands.hset(RedisLayout.widgetKey(old), "id", old.toString())
                .thenCompose(done -> commands.zadd(RedisLayout.accountIndex(account), 1, old.toString())))
                .toCompletableFuture().join();

        store.indexAccounts().toCompletableFuture().join();
        Set<UUID> found = scanned();
        boolean member = redis.call(commands -> commands.sismember(RedisLayout.ACCOUNTS, account))
                .toCompletableFuture().join();
        // Half a record, which the other tests must not read.
        redis.call(commands -> commands.del(RedisLayout.widgetKey(old), RedisLayout.accountIndex(account)))
                .toCompletableFuture().join();

        assertThat(found).contains(old);
        assertThat(member).isTrue();
    }

    private static WidgetKey insert(String account) {
        String plaintext = WidgetKeyFormat.mint();
        Instant now = Instant.parse("2026-11-24T05:51:00Z");
        WidgetKey key = WidgetKey.created(KeyDigest.keyId(plaintext), account, WidgetKeyFormat.last8(plaintext),
                KeySettings.of("name", null, List.of()), now, null);
        assertThat(store.insert(key, KeyDigest.sha256Hex(plaintext), now, null).toCompletableFuture().join()).isTrue();
        return key;
    }

    private static Set<UUID> scanned() {
        Set<UUID> ids = new HashSet<>();
        store.scanKeyIds(ids::add).toCompletableFuture().join();
        return ids;
    }

    @Test
    void scanKeyIds_missesNoKey_whenKeysAreDeletedBetweenPages_orShareOneCreationTime() {
        String account = "acct_pages_" + UUID.randomUUID();
        String index = RedisLayout.accountIndex(account);
        List<UUID> ids = new ArrayList<>();
        Map<String, Double> members = new HashMap<>();
        for (int i = 0; i < 2 * RedisKeyIdScan.PAGE + 500; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            // Most keys made in the same millisecond, as a bulk import does.
            members.put(id.toString(), i < RedisKeyIdScan.PAGE + 100 ? 1.0 : 2.0 + i);
        }
        Object[] scoresAndMembers = members.entrySet().stream()
                .flatMap(e -> Stream.of(e.getValue(), e.getKey())).toArray();
        redis.call(commands -> commands.zadd(index, scoresAndMembers)
                .thenCompose(ignored -> commands.sadd(RedisLayout.ACCOUNTS, account)))
                .toCompletableFuture().join();
        store.indexAccounts().toCompletableFuture().join();
        Set<String> deleted = new HashSet<>();
        List<UUID> seen = new ArrayList<>();

        Set<UUID> scanned = new HashSet<>();
        store.scanKeyIds(id -> {
            scanned.add(id);
            if (members.containsKey(id.toString())) {
                seen.add(id);
            }
            if (seen.size() == RedisKeyIdScan.PAGE && deleted.isEmpty()) {
                // End of the first page: delete keys before it, and the page's last one itself.
                for (UUID earlier : seen.subList(0, 50)) {
                    deleted.add(earlier.toString());
                }
                deleted.add(id.toString());
                redis.call(commands -> commands.zrem(index, deleted.toArray(String[]::new)));
            }
        }).toCompletableFuture().join();
        redis.call(commands -> commands.del(index)).toCompletableFuture().join();

        assertThat(deleted).hasSize(51);
        assertThat(scanned).containsAll(ids.stream().filter(id -> !deleted.contains(id.toString())).toList());
    }

    @Test
    void keyFilterSnapshot_keepsEveryByte_andTheLastSaveWins() {
        KeyFilterSnapshots snapshots = store.keyFilterSnapshots();
        redis.call(commands -> commands.del(RedisLayout.KEY_FILTER)).toCompletableFuture().join();
        assertThat(snapshots.load().toCompletableFuture().join()).isEmpty();
        byte[] everyByte = new byte[3 * 256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }

        snapshots.save(new byte[] {1, 2, 3}).toCompletableFuture().join();
        snapshots.save(everyByte).toCompletableFuture().join();

        assertThat(snapshots.load().toCompletableFuture().join()).hasValueSatisfying(
                loaded -> assertThat(loaded).isEqualTo(everyByte));
        assertThat(snapshots.name()).isEqualTo("we:v1:keyfilter");
    }

    @Test
    void reportCounts_ofAKeyWhoseReportHoldsAnotherType_areSkipped_andTheOtherKeysOfTheCallWritten() {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        UUID broken = UUID.randomUUID();
        UUID fine = UUID.randomUUID();
        String brokenReport = RedisLayout.originsHour(broken, hour);
        redis.call(commands -> commands.hset(RedisLayout.widgetKey(broken), "id", broken.toString())
                .thenCompose(done -> commands.hset(RedisLayout.widgetKey(fine), "id", fine.toString()))
                .thenCompose(done -> commands.set(brokenReport, "not a hash")))
                .toCompletableFuture().join();
        TrafficCount acme = new TrafficCount("https://acme.com", ReportOutcome.ALLOWED, 2, hour, hour.plusSeconds(1));

        store.recordTraffic(List.of(new HourlyTraffic(broken, hour, List.of(acme)),
                new HourlyTraffic(fine, hour, List.of(acme)))).toCompletableFuture().join();

        assertThat(store.originCounts(fine, List.of(hour)).toCompletableFuture().join()).containsExactly(acme);
        assertThat(redis.call(commands -> commands.get(brokenReport)).toCompletableFuture().join())
                .isEqualTo("not a hash");
        assertThat(store.recordTraffic(broken, hour, List.of(acme)).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withCauseInstanceOf(StoreException.class)
                .withMessageContaining("unexpected type");
        redis.call(commands -> commands.del(RedisLayout.widgetKey(broken), RedisLayout.widgetKey(fine), brokenReport))
                .toCompletableFuture().join();
    }

    @Test
    void keyFilterSnapshot_ofAnotherType_readsAsNone_andASaveReplacesIt() {
        KeyFilterSnapshots snapshots = store.keyFilterSnapshots();
        redis.call(commands -> commands.del(RedisLayout.KEY_FILTER)
                .thenCompose(deleted -> commands.rpush(RedisLayout.KEY_FILTER, "not", "bytes")))
                .toCompletableFuture().join();

        assertThat(snapshots.load().toCompletableFuture().join()).isEmpty();

        snapshots.save(new byte[] {42}).toCompletableFuture().join();
        assertThat(snapshots.load().toCompletableFuture().join()).hasValueSatisfying(
                loaded -> assertThat(loaded).containsExactly(42));
    }

    @Test
    void keyFilterSnapshot_longerThanASnapshotMayBe_isNeverRead_andReadsAsNone() {
        KeyFilterSnapshots snapshots = store.keyFilterSnapshots();
        // A value one byte past the bound (SETRANGE pads with zeros): no GET of it ever comes.
        redis.call(commands -> commands.del(RedisLayout.KEY_FILTER)
                .thenCompose(deleted -> commands.setrange(RedisLayout.KEY_FILTER, RedisKeyFilterSnapshots.MAX_BYTES, "x")))
                .toCompletableFuture().join();
        try {
            assertThat(snapshots.load().toCompletableFuture().join()).isEmpty();
        } finally {
            redis.call(commands -> commands.del(RedisLayout.KEY_FILTER)).toCompletableFuture().join();
        }
    }

    @Test
    void aChangeLogEntryThatCannotBeRead_isReportedAsAGap_notSkipped() {
        ChangeCursor start = store.changesSince(null, 10).toCompletableFuture().join().next();
        String entry = redis.call(commands -> commands.xadd(RedisLayout.CHANGES,
                Map.of(RedisLayout.F_CHANGE, "v2 a newer writer's entry"))).toCompletableFuture().join();
        try {
            ChangeBatch batch = store.changesSince(start, 10).toCompletableFuture().join();

            assertThat(batch.gap()).isTrue();
            assertThat(batch.changes()).isEmpty();
        } finally {
            redis.call(commands -> commands.xdel(RedisLayout.CHANGES, entry)).toCompletableFuture().join();
        }
    }

    @Test
    void keyFilterSnapshotClaim_isGrantedToOneCallerPerPeriod() {
        KeyFilterSnapshots snapshots = store.keyFilterSnapshots();
        KeyFilterSnapshots otherGateway = new RedisWidgetKeyStore(redis).keyFilterSnapshots();
        redis.call(commands -> commands.del(RedisLayout.KEY_FILTER_LEASE)).toCompletableFuture().join();

        assertThat(snapshots.claim(Duration.ofMillis(300)).toCompletableFuture().join()).isTrue();
        assertThat(otherGateway.claim(Duration.ofMillis(300)).toCompletableFuture().join()).isFalse();
        assertThat(snapshots.claim(Duration.ofMillis(300)).toCompletableFuture().join()).isFalse();

        await().atMost(Duration.ofSeconds(5))
                .until(() -> otherGateway.claim(Duration.ofMinutes(1)).toCompletableFuture().join());
    }
}
