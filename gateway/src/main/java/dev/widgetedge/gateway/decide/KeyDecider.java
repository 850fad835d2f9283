package dev.widgetedge.gateway.decide;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.store.InvalidationListener;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.GatewayMetrics.StoreResult;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The decide path: key format first (no lookup for a malformed key), then the cache, then the
 * store on a miss, then the origin against the key's allowlist.
 *
 * <p><b>Cache.</b> Caffeine, keyed by the key, bounded by {@code cacheMaxKeys}. Misses for the
 * same key share one store read. A cached decision is used for {@code cacheTtl}; after that it is
 * revalidated before use. Unknown keys are remembered for {@code negativeTtl}.
 *
 * <p><b>Invalidation.</b> An invalidation evicts the key (unless the cache already holds that
 * version or newer) and bumps the key's generation; a load that read the store before the bump
 * reads again, so a load in flight during an invalidation cannot put the old state back. A
 * re-established subscription (messages may have been lost) makes every entry stale.
 *
 * <p><b>Outage.</b> When revalidation fails, an allowed decision keeps serving for up to
 * {@code staleIfError} past its TTL; a disabled key stays refused; anything else is
 * {@link DenialReason#STORE_UNAVAILABLE}.
 *
 * <p>Thread-safe; {@link #decideCached} never blocks and does no I/O.
 */
public final class KeyDecider implements InvalidationListener {

    private static final int MAX_LOAD_ATTEMPTS = 3;

    private final WidgetKeyStore store;
    private final UsageRecorder usage;
    private final GatewayMetrics metrics;
    private final Ticker ticker;
    private final Clock clock;
    private final long ttlNanos;
    private final long staleIfErrorNanos;
    private final ConcurrentStatsCounter stats = new ConcurrentStatsCounter();
    private final AsyncLoadingCache<String, CachedKey> cache;
    /** id → key, so that an invalidation (which names an id) can find the cache entry. */
    private final ConcurrentHashMap<UUID, String> keysById = new ConcurrentHashMap<>();
    /** Per-id count of invalidations, kept long enough to outlive any load in flight. */
    private final Cache<UUID, AtomicLong> generations;
    private final AtomicLong epoch = new AtomicLong();

    /**
     * @param executor runs Caffeine's maintenance and load callbacks ({@code Runnable::run} in
     *                 tests, for determinism)
     */
    public KeyDecider(WidgetKeyStore store, GatewaySettings settings, UsageRecorder usage, GatewayMetrics metrics,
            Ticker ticker, Clock clock, Executor executor) {
        this.store = store;
        this.usage = usage;
        this.metrics = metrics;
        this.ticker = ticker;
        this.clock = clock;
        this.ttlNanos = settings.cache().ttl().toNanos();
        this.staleIfErrorNanos = settings.cache().staleIfError().toNanos();
        long negativeTtlNanos = settings.cache().negativeTtl().toNanos();
        long knownLifetimeNanos = ttlNanos + staleIfErrorNanos;
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.cache().maxKeys())
                .ticker(ticker)
                .executor(executor)
                .recordStats(() -> stats)
                .expireAfter(Expiry.<String, CachedKey>writing((key, value) ->
                        Duration.ofNanos(value.known() ? knownLifetimeNanos : negativeTtlNanos)))
                .removalListener(this::unindex)
                .buildAsync((AsyncCacheLoader<String, CachedKey>) (key, loadExecutor) -> load(key));
        Duration loadRace = settings.storeTimeout().multipliedBy(2).plusSeconds(5);
        this.generations = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(loadRace).build();
    }

    /** The cache, for its metrics. */
    public AsyncLoadingCache<String, CachedKey> cache() {
        return cache;
    }

    /**
     * The decision when it needs no I/O (bad key, or a fresh cache entry), else {@code null}:
     * then call {@link #decide}.
     */
    public Decision decideCached(String key, CharSequence origin) {
        if (key == null || key.isEmpty()) {
            return Decision.Denied.of(DenialReason.MISSING_KEY);
        }
        if (!WidgetKeyFormat.isWellFormed(key)) {
            return Decision.Denied.of(DenialReason.INVALID_KEY);
        }
        CompletableFuture<CachedKey> entry = cache.asMap().get(key);
        if (entry == null || !entry.isDone() || entry.isCompletedExceptionally()) {
            return null;
        }
        CachedKey cached = entry.join();
        long now = ticker.read();
        if (!isFresh(cached, now)) {
            return null;
        }
        stats.recordHits(1);
        return decideWith(cached, origin, now);
    }

    /** The decision, loading or revalidating the key when it must. Never completes exceptionally. */
    public CompletionStage<Decision> decide(String key, CharSequence origin) {
        Decision immediate = decideCached(key, origin);
        if (immediate != null) {
            return CompletableFuture.completedFuture(immediate);
        }
        CompletableFuture<CachedKey> entry = cache.asMap().get(key);
        CachedKey stale = entry != null && entry.isDone() && !entry.isCompletedExceptionally() ? entry.join() : null;
        if (stale == null) {
            return cache.get(key).handle((loaded, error) -> error == null
                    ? decideWith(loaded, origin)
                    : Decision.Denied.of(DenialReason.STORE_UNAVAILABLE));
        }
        return cache.synchronous().refresh(key).handle((fresh, error) -> {
            if (error == null) {
                return decideWith(fresh, origin);
            }
            return servableThroughOutage(stale)
                    ? decideWith(stale, origin)
                    : Decision.Denied.of(DenialReason.STORE_UNAVAILABLE);
        });
    }

    private Decision decideWith(CachedKey cached, CharSequence origin) {
        return decideWith(cached, origin, ticker.read());
    }

    private Decision decideWith(CachedKey cached, CharSequence origin, long now) {
        Decision decision = cached.decide(origin);
        if (decision instanceof Decision.Allowed) {
            usage.markUsed(cached, now);
        }
        return decision;
    }

    private boolean isFresh(CachedKey cached, long now) {
        return cached.epoch() == epoch.get() && now - cached.loadedAtNanos() <= ttlNanos;
    }

    /**
     * Whether a stale entry may still decide while the store fails: a known key (allowed, or
     * disabled and so refused) within {@code staleIfError} past its TTL. An unknown key is not:
     * it may have been created meanwhile, and a miss during an outage is a 503, never a 401.
     */
    private boolean servableThroughOutage(CachedKey stale) {
        return stale.known() && ticker.read() - stale.loadedAtNanos() <= ttlNanos + staleIfErrorNanos;
    }

    private CompletableFuture<CachedKey> load(String key) {
        return load(key, KeyLookup.of(key), 1);
    }

    private CompletableFuture<CachedKey> load(String key, KeyLookup lookup, int attempt) {
        UUID id = lookup.id();
        keysById.put(id, key);
        long generation = generation(id);
        long loadEpoch = epoch.get();
        long startedAt = ticker.read();
        return store.findByKey(lookup).toCompletableFuture().handle((found, error) -> {
            if (error != null) {
                metrics.storeRequest(StoreResult.ERROR);
                return CompletableFuture.<CachedKey>failedFuture(error);
            }
            metrics.storeRequest(found.isPresent() ? StoreResult.FOUND : StoreResult.NOT_FOUND);
            if (generation(id) != generation && attempt < MAX_LOAD_ATTEMPTS) {
                // An invalidation arrived while this read was in flight: it may predate the change.
                return load(key, lookup, attempt + 1);
            }
            CachedKey cached = found.map(stored -> CachedKey.of(id, stored, startedAt, loadEpoch))
                    .orElseGet(() -> CachedKey.unknown(id, startedAt, loadEpoch));
            return CompletableFuture.completedFuture(cached);
        }).thenCompose(next -> next);
    }

    private long generation(UUID id) {
        AtomicLong counter = generations.getIfPresent(id);
        return counter == null ? 0 : counter.get();
    }

    private void unindex(String key, CachedKey value, RemovalCause cause) {
        if (key == null || value == null) {
            return;
        }
        UUID id = value.id();
        keysById.remove(id, key);
        // A new load for the same key may have started meanwhile; it needs the mapping back.
        if (cache.asMap().containsKey(key)) {
            keysById.put(id, key);
        }
    }

    @Override
    public void onInvalidation(Invalidation invalidation) {
        UUID id = invalidation.keyId();
        generations.get(id, ignored -> new AtomicLong()).incrementAndGet();
        String key = keysById.get(id);
        if (key != null) {
            CompletableFuture<CachedKey> entry = cache.asMap().get(key);
            boolean alreadyCurrent = entry != null && entry.isDone() && !entry.isCompletedExceptionally()
                    && entry.join().known() && entry.join().version() >= invalidation.version();
            if (!alreadyCurrent) {
                cache.synchronous().invalidate(key);
            }
        }
        metrics.invalidation(clock.millis() - invalidation.publishedAt().toEpochMilli());
    }

    @Override
    public void onResubscribed() {
        epoch.incrementAndGet();
        metrics.resubscribed();
    }
}
