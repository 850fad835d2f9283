package dev.widgetedge.gateway.limit;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.widgetedge.core.store.RateCountStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.RateLimitSettings;
import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.LimitKind;
import dev.widgetedge.gateway.metrics.RateLimitState;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The gateway's rate limits ({@code docs/rate-limits.md}): per key and client address, per key, and
 * per client address's misses, each a sliding window counted in this gateway's memory and shared
 * with the other gateways through the store in the background ({@link CountSharing}), so that a
 * request never waits for the store.
 *
 * <p><b>Memory.</b> One counter ({@link SlidingWindow}, about 300 bytes) per subject, in two
 * {@link WindowCache}s that share {@code --rate-limit-max-subjects}: the misses' windows take at
 * most a quarter, the keys' and clients' the rest, so that a flood of misses from new addresses
 * never pushes out a key's or a client's window, and a legitimate client's miss check is a lookup
 * in a small table. Idle windows are forgotten after two windows. A subject that is forgotten
 * loses what it had not yet sent to the store, and starts again from what the store has when it
 * comes back: at most one cap of requests more for that subject.
 *
 * <p>Thread-safe. Admission holds one subject's monitor briefly, allocates the key-and-client
 * subject's cache key (the miss check of an IPv4 client allocates nothing), and never does I/O.
 */
public final class RateLimiter implements RateLimitState, AutoCloseable {

    /** The misses' windows take at most this part of {@code --rate-limit-max-subjects} (one in four). */
    private static final int MISS_SHARE = 4;

    private final RateLimitSettings settings;
    private final int clientDefault;
    private final int keyDefault;
    private final int missLimit;
    private final long bucketMillis;
    private final long windowSeconds;
    /** The windows of keys, and of keys and clients. */
    private final WindowCache<Subject> windows;
    /** The windows of clients' misses, by {@link ClientAddress#limitAddress}. */
    private final WindowCache<InetAddress> misses;
    private final CountSharing sync;
    private final Sharing sharing;
    private final LongSupplier wallMillis;
    private final GatewayMetrics metrics;

    private RateLimiter(RateLimitSettings settings, CountSharing sync, LongSupplier wallMillis, Ticker ticker,
            Executor upkeep, GatewayMetrics metrics) {
        this.settings = settings;
        // Validated to at most a million.
        this.clientDefault = (int) settings.clientPerMinute();
        this.keyDefault = (int) settings.keyPerMinute();
        this.missLimit = (int) settings.missPerMinute();
        this.bucketMillis = settings.bucketMillis();
        this.windowSeconds = Math.max(1, settings.window().toSeconds());
        this.sync = sync;
        this.sharing = sync == null ? null : sync.sharing();
        this.wallMillis = wallMillis;
        this.metrics = metrics;
        long missSubjects = Math.max(1, settings.maxSubjects() / MISS_SHARE);
        Duration idle = settings.window().multipliedBy(2);
        this.windows = new WindowCache<>(Math.max(1, settings.maxSubjects() - missSubjects), idle, ticker, upkeep,
                settings.buckets());
        this.misses = new WindowCache<>(missSubjects, idle, ticker, upkeep, settings.buckets());
    }

    /**
     * A limiter that shares its counts through {@code store} (started: the sync thread runs until
     * {@link #close}).
     *
     * @param storeTimeout the bound on one sync round
     */
    public static RateLimiter shared(RateLimitSettings settings, RateCountStore store, Duration storeTimeout,
            Ticker ticker, Executor upkeep, GatewayMetrics metrics) {
        CountSharing sync = new CountSharing(store, settings.bucketMillis(), settings.buckets(),
                settings.syncInterval(), storeTimeout, System::currentTimeMillis, System::nanoTime, metrics);
        return new RateLimiter(settings, sync.start(), System::currentTimeMillis, ticker, upkeep, metrics);
    }

    /** A limiter for a gateway that is alone by construction ({@code dev}): counts stay in memory. */
    public static RateLimiter local(RateLimitSettings settings, Ticker ticker, Executor upkeep,
            GatewayMetrics metrics) {
        return new RateLimiter(settings, null, System::currentTimeMillis, ticker, upkeep, metrics);
    }

    /** A limiter on a sync the test drives, with the test's clocks. */
    static RateLimiter forTest(RateLimitSettings settings, CountSharing sync, LongSupplier wallMillis,
            GatewayMetrics metrics) {
        return new RateLimiter(settings, sync, wallMillis, Ticker.systemTicker(), Runnable::run, metrics);
    }

    /**
     * Admits a request {@code allowed} for its key from {@code client} under the key's limits (its
     * own, else the gateway's defaults): the per-client limit first, then the per-key limit. A
     * request counts against both or neither. A limit changed on the key applies from the first
     * request that carries the new decision, to the counts the old limit left.
     *
     * @return {@code null} when admitted, else what refused it (counted in the metrics)
     */
    public Refusal admit(Decision.Allowed allowed, ClientAddress client) {
        return admit(allowed, client, false);
    }

    /**
     * {@link #admit(Decision.Allowed, ClientAddress)}, where a caller that will wait for the
     * {@linkplain #nextRound next round} and ask again ({@code mayWait}) gets a refusal that is
     * only the cap's ({@link Refusal#capped()}) uncounted: it is not an answer yet.
     */
    public Refusal admit(Decision.Allowed allowed, ClientAddress client, boolean mayWait) {
        UUID keyId = allowed.keyId();
        int perClient = orDefault(allowed.perClientPerMinute(), clientDefault);
        int perKey = orDefault(allowed.perKeyPerMinute(), keyDefault);
        if (perClient == 0 && perKey == 0) {
            return null;
        }
        long now = storeMillis();
        long bucket = Math.floorDiv(now, bucketMillis);
        SlidingWindow byClient = null;
        if (perClient > 0) {
            Subject subject = Subject.client(keyId, client);
            byClient = windows.get(subject, subject, bucket);
            SlidingWindow.Admission admission = acquire(byClient, perClient, bucket);
            if (!admission.admitted()) {
                return refused(LimitKind.CLIENT, byClient, perClient, now, admission.capped(), mayWait);
            }
        }
        if (perKey > 0) {
            Subject subject = Subject.key(keyId);
            SlidingWindow byKey = windows.get(subject, subject, bucket);
            SlidingWindow.Admission admission = acquire(byKey, perKey, bucket);
            if (!admission.admitted()) {
                if (byClient != null) {
                    byClient.release(bucket);
                }
                return refused(LimitKind.KEY, byKey, perKey, now, admission.capped(), mayWait);
            }
        }
        return null;
    }

    /**
     * A stage completed once a sharing round that starts now has ended (reported back or failed),
     * on the sync thread, or after the longest a round may take, whichever comes first; a round is
     * asked to start at once. Complete already without sharing.
     */
    public CompletableFuture<Void> nextRound() {
        if (sync == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> next = sync.nextRound();
        sync.wake();
        return next;
    }

    /**
     * How long in all a request refused only by the cap may wait for rounds before it is refused
     * for good: one sync interval, by when the next regular round would have reported anyway.
     */
    public Duration capWait() {
        return settings.syncInterval();
    }

    private static int orDefault(int own, int gatewayDefault) {
        return own == Decision.Allowed.GATEWAY_DEFAULT ? gatewayDefault : own;
    }

    /**
     * Whether {@code client} is over its miss limit: asked before any cache or store lookup, so an
     * address over it is refused whatever key it sends.
     *
     * @return {@code null} when under it (or the miss limit is off), else the refusal
     */
    public Refusal refuseMiss(ClientAddress client) {
        int limit = missLimit;
        if (limit == 0) {
            return null;
        }
        InetAddress network = client.limitAddress();
        SlidingWindow window = misses.peek(network);
        if (window == null) {
            return null;
        }
        long now = storeMillis();
        long bucket = Math.floorDiv(now, bucketMillis);
        misses.used(network, window, bucket);
        if (!window.full(limit, bucket, sharing)) {
            return null;
        }
        return refused(LimitKind.MISS, window, limit, now, false, false);
    }

    /** Counts one request of {@code client} whose key was missing, invalid or unknown. */
    public void countMiss(ClientAddress client) {
        int limit = missLimit;
        if (limit > 0) {
            long bucket = Math.floorDiv(storeMillis(), bucketMillis);
            acquire(misses.get(client.limitAddress(), Subject.miss(client), bucket), limit, bucket);
        }
    }

    /** How many subjects are counted now (an estimate), for the metrics. */
    @Override
    public long subjects() {
        return windows.size() + misses.size();
    }

    /** How many gateways share the limits, as last counted; {@code 1} without a store. */
    @Override
    public int gateways() {
        return sharing == null ? 1 : sharing.peers();
    }

    /** Whether the store is out of reach and this gateway enforces only its share of the limits. */
    @Override
    public boolean degraded() {
        return sharing != null && sharing.degraded();
    }

    private SlidingWindow.Admission acquire(SlidingWindow window, int limit, long bucket) {
        SlidingWindow.Admission admission = window.tryAcquire(limit, bucket, sharing);
        if (admission.enqueue()) {
            sync.enqueue(window);
        }
        if (admission.wake()) {
            sync.wake();
        }
        return admission;
    }

    private Refusal refused(LimitKind kind, SlidingWindow window, int limit, long now, boolean capped,
            boolean mayWait) {
        if (!(capped && mayWait)) {
            metrics.rateLimited(kind);
        }
        long retryMillis = window.retryAfterMillis(limit, now, bucketMillis);
        return new Refusal(kind, limit, windowSeconds, Math.max(1, (retryMillis + 999) / 1000), capped);
    }

    private long storeMillis() {
        return sync == null ? wallMillis.getAsLong() : sync.storeMillis();
    }

    /** Stops sharing after one last round. */
    @Override
    public void close() {
        if (sync != null) {
            sync.close();
        }
    }
}
