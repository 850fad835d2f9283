package dev.widgetedge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rate-limit counts on a real redis-server: what a round adds, reads back, keeps and forgets. */
class RedisRateCountStoreIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final long BUCKET_MILLIS = 2000;
    private static final int BUCKETS = 30;
    private static final RateCountStore.Push[] NO_PUSH = {};

    static RedisConnector connector;
    static RedisRateCountStore store;
    static RedisClient inspector;
    static StatefulRedisConnection<String, String> inspection;

    @BeforeAll
    static void connect() throws InterruptedException {
        connector = RedisConnector.start(REDIS.server().uri(), Duration.ofSeconds(2));
        assertThat(connector.awaitConnected(Duration.ofSeconds(10))).isTrue();
        store = new RedisRateCountStore(connector);
        inspector = RedisClient.create(REDIS.server().uri());
        inspection = inspector.connect();
    }

    @AfterAll
    static void close() {
        inspection.close();
        inspector.shutdown();
        connector.close();
    }

    @BeforeEach
    void noGatewayLive() {
        redis().del(RedisRateCountStore.GATEWAYS);
    }

    private static RedisCommands<String, String> redis() {
        return inspection.sync();
    }

    private static RateCountStore.Reply sync(String gateway, long nowMillis, RateCountStore.Push... pushes) {
        return store.sync(new RateCountStore.Request(gateway, 2000, nowMillis, BUCKET_MILLIS, BUCKETS, List.of(pushes), false))
                .toCompletableFuture().join();
    }

    private static RateCountStore.Push push(String subject, long[] buckets, int[] deltas) {
        return new RateCountStore.Push(subject, buckets, deltas);
    }

    private static String subject() {
        return "k:" + UUID.randomUUID();
    }

    /** The first bucket of the next epoch (an epoch is a window long): its window reaches into the epoch before. */
    private static long nextEpochStart() {
        long bucket = Math.floorDiv(System.currentTimeMillis(), BUCKET_MILLIS);
        return (Math.floorDiv(bucket, BUCKETS) + 1) * BUCKETS;
    }

    @Test
    void round_addsEveryGatewaysIncrements_andReadsTheirSum() {
        String subject = subject();
        long now = System.currentTimeMillis();
        long bucket = Math.floorDiv(now, BUCKET_MILLIS);
        sync("a", now, push(subject, new long[] {bucket}, new int[] {3}));
        RateCountStore.Reply reply = sync("b", now, push(subject, new long[] {bucket - 1, bucket}, new int[] {2, 4}));
        int[] window = reply.windows().get(0);
        assertThat(window).hasSize(BUCKETS + 1);
        assertThat(window[BUCKETS]).isEqualTo(7);
        assertThat(window[BUCKETS - 1]).isEqualTo(2);
        assertThat(reply.liveGateways()).isEqualTo(2);
    }

    @Test
    void windowAcrossTwoEpochs_readsBoth_andOnlyTheWindowsBuckets() {
        String subject = subject();
        long bucket = nextEpochStart();
        long epoch = bucket / BUCKETS;
        long now = bucket * BUCKET_MILLIS;
        sync("a", now, push(subject, new long[] {bucket - BUCKETS - 1, bucket - BUCKETS, bucket - 1, bucket},
                new int[] {100, 5, 6, 7}));
        int[] window = sync("a", now, push(subject, new long[0], new int[0])).windows().get(0);
        assertThat(window[0]).as("the oldest bucket of the window").isEqualTo(5);
        assertThat(window[BUCKETS - 1]).isEqualTo(6);
        assertThat(window[BUCKETS]).isEqualTo(7);
        assertThat(Arrays.stream(window).sum()).as("bucket - 31 is in no window now").isEqualTo(18);
        assertThat(redis().exists(RedisRateCountStore.subjectKey(subject, epoch),
                RedisRateCountStore.subjectKey(subject, epoch - 1))).isEqualTo(2);
    }

    @Test
    void epochHashes_expireOnceNoWindowCanReachThem() {
        String subject = subject();
        long bucket = nextEpochStart() + 3;
        long epoch = bucket / BUCKETS;
        sync("a", bucket * BUCKET_MILLIS, push(subject, new long[] {bucket - 5, bucket}, new int[] {1, 1}));
        long epochMillis = BUCKETS * BUCKET_MILLIS;
        // An epoch's last bucket is in windows until the next epoch ends; a little slack for clocks.
        long clock = System.currentTimeMillis();
        long current = clock + redis().pttl(RedisRateCountStore.subjectKey(subject, epoch));
        long previous = clock + redis().pttl(RedisRateCountStore.subjectKey(subject, epoch - 1));
        assertThat(current).isBetween((epoch + 2) * epochMillis - 1000, (epoch + 2) * epochMillis + 60_000);
        assertThat(previous).isBetween((epoch + 1) * epochMillis - 1000, (epoch + 1) * epochMillis + 60_000);
    }

    @Test
    void readOnly_createsNothing() {
        String subject = subject();
        int[] window = sync("a", System.currentTimeMillis(), push(subject, new long[0], new int[0])).windows().get(0);
        assertThat(Arrays.stream(window).sum()).isZero();
        assertThat(redis().keys(RedisRateCountStore.PREFIX + "{" + subject + "}*")).isEmpty();
    }

    @Test
    void gatewaysWithoutARoundInTheirLiveTime_areNotCounted() {
        long now = System.currentTimeMillis();
        sync("old", now - 5000, NO_PUSH);
        sync("recent", now - 1000, NO_PUSH);
        assertThat(sync("me", now, NO_PUSH).liveGateways()).isEqualTo(2);
        assertThat(redis().zscore(RedisRateCountStore.GATEWAYS, "old")).isNull();
    }

    @Test
    void aLeavingGateway_isNoLongerCounted() {
        long now = System.currentTimeMillis();
        sync("a", now, NO_PUSH);
        sync("b", now, NO_PUSH);
        store.sync(new RateCountStore.Request("a", 2000, now, BUCKET_MILLIS, BUCKETS, List.of(), true))
                .toCompletableFuture().join();
        assertThat(sync("b", now, NO_PUSH).liveGateways()).isEqualTo(1);
    }

    @Test
    void reply_carriesTheStoresClock() {
        long before = System.currentTimeMillis();
        long server = sync("a", before, NO_PUSH).serverMillis();
        assertThat(server).isBetween(before - 1000, System.currentTimeMillis() + 1000);
    }

    @Test
    void storeDown_failsTheRound() {
        REDIS.server().stop();
        try {
            assertThatThrownBy(() -> sync("a", System.currentTimeMillis(), NO_PUSH))
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(StoreException.class);
        } finally {
            REDIS.server().start();
        }
    }
}
