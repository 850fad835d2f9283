package dev.widgetedge.gateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widgetedge.core.store.RateCountStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.gateway.RateLimitSettings;
import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.client.ClientAddressResolver;
import dev.widgetedge.gateway.client.TrustedProxies;
import dev.widgetedge.gateway.pipeline.CountingMetrics;
import dev.widgetedge.gateway.metrics.LimitKind;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final UUID KEY = UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e");
    private static final ClientAddressResolver RESOLVER = new ClientAddressResolver(TrustedProxies.none());

    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final AtomicLong nanos = new AtomicLong();
    private final MemoryCountStore store = new MemoryCountStore();
    private final CountingMetrics metrics = new CountingMetrics();

    private static ClientAddress client(String address) {
        try {
            return RESOLVER.peer(InetAddress.getByName(address));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static RateLimitSettings settings(int client, int key, int miss) {
        return new RateLimitSettings(client, key, miss, 1000, Duration.ofMinutes(1), 30, Duration.ofMillis(250));
    }

    private CountSharing sharing(RateLimitSettings settings) {
        return new CountSharing(store, settings.bucketMillis(), settings.buckets(), settings.syncInterval(),
                Duration.ofSeconds(2), wall::get, nanos::get, metrics);
    }

    /** An allowed decision for {@code keyId} under {@code limits}. */
    private static Decision.Allowed allowed(UUID keyId, RateLimits limits) {
        return new Decision.Allowed(keyId, "acct_123", null, false, limits);
    }

    /** Another gateway has made a round, and {@code sync}'s round after it counts two gateways live. */
    private void anotherGatewayLive(RateLimitSettings settings, CountSharing sync) {
        store.clock(wall.get());
        store.sync(new RateCountStore.Request("other", 2000, wall.get(), settings.bucketMillis(), 30, List.of(), false));
        sync.round();
        assertEquals(2, sync.sharing().peers());
    }

    private RateLimiter limiter(RateLimitSettings settings, CountSharing sync) {
        return RateLimiter.forTest(settings, sync, wall::get, metrics);
    }

    @Test
    void perClientLimit_separatesClients_andCountsPerKey() {
        RateLimiter limiter = limiter(settings(3, 0, 0), null);
        ClientAddress a = client("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a));
        }
        Refusal refusal = limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a);
        assertNotNull(refusal);
        assertEquals(LimitKind.CLIENT, refusal.kind());
        assertEquals(3, refusal.limit());
        assertEquals(60, refusal.windowSeconds());
        assertEquals(List.of(LimitKind.CLIENT), metrics.rateLimited());
        assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), client("192.0.2.2")), "another client has its own count");
        assertNull(limiter.admit(allowed(UUID.randomUUID(), RateLimits.DEFAULTS), a), "another key has its own count");
    }

    @Test
    void keysOwnLimits_overrideTheDefaults() {
        RateLimiter limiter = limiter(settings(100, 0, 0), null);
        ClientAddress a = client("192.0.2.1");
        RateLimits own = new RateLimits(1, 2);
        assertNull(limiter.admit(allowed(KEY, own), a));
        assertEquals(LimitKind.CLIENT, limiter.admit(allowed(KEY, own), a).kind());
        assertNull(limiter.admit(allowed(KEY, own), client("192.0.2.2")));
        Refusal byKey = limiter.admit(allowed(KEY, own), client("192.0.2.3"));
        assertEquals(LimitKind.KEY, byKey.kind());
        assertEquals(2, byKey.limit());
    }

    @Test
    void requestRefusedByTheKeyLimit_doesNotCountAgainstItsClient() {
        RateLimiter limiter = limiter(settings(2, 1, 0), null);
        ClientAddress a = client("192.0.2.1");
        assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a));
        assertEquals(LimitKind.KEY, limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a).kind());
        assertEquals(LimitKind.KEY, limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a).kind(),
                "still the key's limit: the refused request was not counted for the client");
    }

    @Test
    void zero_isUnlimited() {
        RateLimiter limiter = limiter(settings(0, 0, 0), null);
        for (int i = 0; i < 10_000; i++) {
            assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), client("192.0.2.1")));
        }
        assertEquals(0, limiter.subjects(), "nothing is counted for limits that are off");
    }

    @Test
    void ipv6Clients_countByTheirSlash64() {
        RateLimiter limiter = limiter(settings(2, 0, 0), null);
        assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), client("2001:db8:1:2::1")));
        assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), client("2001:db8:1:2::2")));
        assertNotNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), client("2001:db8:1:2:ffff::3")));
        assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), client("2001:db8:1:3::1")));
    }

    @Test
    void missLimit_refusesAnAddressOverIt_beforeAnyLookup() {
        RateLimiter limiter = limiter(settings(0, 0, 2), null);
        ClientAddress a = client("192.0.2.1");
        assertNull(limiter.refuseMiss(a));
        limiter.countMiss(a);
        assertNull(limiter.refuseMiss(a));
        limiter.countMiss(a);
        Refusal refusal = limiter.refuseMiss(a);
        assertEquals(LimitKind.MISS, refusal.kind());
        assertEquals(62, refusal.retryAfterSeconds(), "the misses leave when the bucket a window after theirs ends");
        assertNull(limiter.refuseMiss(client("192.0.2.2")));
        wall.addAndGet(TimeUnit.SECONDS.toMillis(62));
        assertNull(limiter.refuseMiss(a), "the misses left the window");
    }

    @Test
    void missLimit_countsAnIpv6ClientByItsSlash64() {
        RateLimiter limiter = limiter(settings(0, 0, 2), null);
        limiter.countMiss(client("2001:db8:1:2::1"));
        limiter.countMiss(client("2001:db8:1:2:ffff::2"));
        assertEquals(LimitKind.MISS, limiter.refuseMiss(client("2001:db8:1:2::3")).kind());
        assertNull(limiter.refuseMiss(client("2001:db8:1:3::1")));
    }

    @Test
    void aFloodOfMissesFromNewAddresses_neverPushesOutTheClientsWindows() {
        // 100 subjects: the misses' windows get 25 of them, the keys' and clients' the other 75.
        RateLimiter limiter = limiter(new RateLimitSettings(3, 0, 120, 100, Duration.ofMinutes(1), 30,
                Duration.ofMillis(250)), null);
        List<ClientAddress> steady = List.of(client("192.0.2.1"), client("192.0.2.2"), client("192.0.2.3"));
        for (ClientAddress a : steady) {
            for (int i = 0; i < 3; i++) {
                assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a));
            }
        }
        for (int i = 0; i < 10_000; i++) {
            limiter.countMiss(client("10.0." + (i >>> 8) + "." + (i & 0xFF)));
        }
        for (ClientAddress a : steady) {
            assertNotNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a), "its three requests are still counted");
        }
        assertTrue(limiter.subjects() <= 100, "at most --rate-limit-max-subjects: " + limiter.subjects());
    }

    @Test
    void missLimitOff_countsNothing() {
        RateLimiter limiter = limiter(settings(0, 0, 0), null);
        limiter.countMiss(client("192.0.2.1"));
        assertNull(limiter.refuseMiss(client("192.0.2.1")));
        assertEquals(0, limiter.subjects());
    }

    @Test
    void round_sendsWhatItCounted_andLearnsTheOthersCounts() {
        RateLimitSettings settings = settings(0, 10, 0);
        CountSharing sync = sharing(settings);
        RateLimiter limiter = limiter(settings, sync);
        ClientAddress a = client("192.0.2.1");
        long bucket = Math.floorDiv(wall.get(), settings.bucketMillis());
        // Near its limit a subject is queued for the next round.
        store.add("k:" + KEY, bucket, 5);
        for (int i = 0; i < 5; i++) {
            assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a));
        }
        store.clock(wall.get() + 40);
        sync.round();
        RateCountStore.Request request = store.requests().get(0);
        assertEquals(List.of("k:" + KEY), request.subjects().stream().map(RateCountStore.Push::subject).toList());
        assertEquals(10, store.count("k:" + KEY, bucket));
        assertNotNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a), "the other gateway's five count here now");
        assertEquals(40, sync.storeMillis() - wall.get(), "the store's clock is 40 ms ahead");
    }

    @Test
    void aRefusalOnlyTheCapMakes_isUncountedForAWaitingCaller_andTheNextRoundAdmitsTheRequest() {
        // A per-key limit of 10 with two gateways live: a cap of 1 unreported request.
        RateLimitSettings settings = settings(0, 10, 0);
        CountSharing sync = sharing(settings);
        RateLimiter limiter = limiter(settings, sync);
        ClientAddress a = client("192.0.2.1");
        anotherGatewayLive(settings, sync);

        assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a, true));
        Refusal capped = limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a, true);
        assertNotNull(capped);
        assertTrue(capped.capped(), "the window has room: only the cap refused");
        assertEquals(List.of(), metrics.rateLimited(), "not an answer yet: the caller waits");
        CompletableFuture<Void> round = limiter.nextRound();
        assertFalse(round.isDone());

        sync.round();

        assertTrue(round.isDone(), "the round that reports the first request back ends the wait");
        assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a, true));
        Refusal again = limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a, false);
        assertTrue(again.capped());
        assertEquals(List.of(LimitKind.KEY), metrics.rateLimited(), "a caller that does not wait is answered 429");
    }

    @Test
    void aWaitForARoundThatNeverComes_endsAfterTheLongestARoundMayTake() throws Exception {
        // A per-key limit of 10 with two gateways live: a cap of 1 unreported request.
        RateLimitSettings settings = settings(0, 10, 0);
        CountSharing sync = sharing(settings);
        RateLimiter limiter = limiter(settings, sync);
        anotherGatewayLive(settings, sync);
        assertNull(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), client("192.0.2.1"), true));
        assertTrue(limiter.admit(allowed(KEY, RateLimits.DEFAULTS), client("192.0.2.1"), true).capped());

        long started = System.nanoTime();
        // No round runs (the sync thread is the test's, and it never calls one).
        limiter.nextRound().get(10, TimeUnit.SECONDS);

        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(waitedMillis >= 2_000, "not before the store timeout: waited " + waitedMillis + " ms");
    }

    @Test
    void aFullWindow_isNeverTheCapsRefusal() {
        RateLimiter limiter = limiter(settings(0, 2, 0), null);
        ClientAddress a = client("192.0.2.1");
        limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a, true);
        limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a, true);

        Refusal full = limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a, true);

        assertFalse(full.capped());
        assertEquals(List.of(LimitKind.KEY), metrics.rateLimited());
        assertTrue(limiter.nextRound().isDone(), "alone by construction, there is no round to wait for");
    }

    @Test
    void storeDown_fallsBackToThisGatewaysShare_afterTheStaleTime_andRecovers() {
        RateLimitSettings settings = settings(0, 100, 0);
        CountSharing sync = sharing(settings);
        RateLimiter limiter = limiter(settings, sync);
        ClientAddress a = client("192.0.2.1");
        anotherGatewayLive(settings, sync);
        store.down(true);
        sync.round();
        assertFalse(limiter.degraded(), "one failed round is not yet an outage");
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500));
        assertTrue(limiter.degraded());
        int admitted = 0;
        while (limiter.admit(allowed(KEY, RateLimits.DEFAULTS), a) == null) {
            admitted++;
        }
        assertEquals(50, admitted, "half of the limit: its share with two gateways, never unlimited, never zero");
        store.down(false);
        store.clock(wall.get());
        sync.round();
        assertFalse(limiter.degraded());
        assertEquals(50, store.count("k:" + KEY, Math.floorDiv(wall.get(), settings.bucketMillis())),
                "what was admitted during the outage reaches the store when it is back");
    }
}
