package dev.widgetedge.gateway.decide;

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
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.GatewayMetrics.StoreResult;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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
 * <p><b>Cache.</b> Caffeine, keyed by the key, bounded by {@code cacheMaxKeys}; it holds only
 * answers the store gave. Misses for the same key share one store read (the {@code loading} map
 * holds the reads in flight). A cached decision is used for {@code cacheTtl}; after that it is
 * revalidated before use. Unknown keys are remembered for {@code negativeTtl}.
 *
 * <p><b>Invalidation.</b> An invalidation names a key id and the version the key now has. The
 * gateway keeps, per id, the highest version announced ({@code announced}), long enough to
 * outlive any read in flight, and an index from id to key for every cached entry
 * ({@code keysById}). Two rules make every invalidation take effect:
 * <ol>
 *   <li>The index changes only inside the cache's own atomic operation on that key: it is set
 *       when an entry is put, and cleared when an entry is removed, by an invalidation (here) or
 *       by eviction (Caffeine's eviction listener runs inside the removal). So whenever the cache
 *       holds an entry, the index leads to it.</li>
 *   <li>An invalidation first raises {@code announced}, then looks the key up; a load first puts
 *       its entry, then compares its version with {@code announced}. Either the invalidation
 *       finds the entry and removes it, or the load sees the newer version and takes its entry
 *       back out (and reads again). An entry older than an invalidation received never stays.</li>
 * </ol>
 * A re-established subscription (messages may have been lost) makes every entry stale.
 *
 * <p><b>Outage.</b> When revalidation fails, an allowed decision keeps serving for up to
 * {@code staleIfError} past its TTL; a disabled key stays refused; anything else is
 * {@link DenialReason#STORE_UNAVAILABLE}.
 *
 * <p>Thread-safe; {@link #decideCached} never blocks and does no I/O.
 */
public final class KeyDecider implements InvalidationListener {

    /**
     * How often one miss reads the store again because an invalidation overtook its read. After
     * that its waiters get the last answer (they raced the change) and nothing is cached.
     */
    private static final int MAX_LOAD_ATTEMPTS = 3;

    private final WidgetKeyStore store;
    private final UsageRecorder usage;
    private final GatewayMetrics metrics;
    private final Ticker ticker;
    private final Clock clock;
    private final long ttlNanos;
    private final long staleIfErrorNanos;
    private final ConcurrentStatsCounter stats = new ConcurrentStatsCounter();
    private final Cache<String, CachedKey> cache;
    private final ConcurrentHashMap<String, CompletableFuture<CachedKey>> loading = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, String> keysById = new ConcurrentHashMap<>();
    private final Cache<UUID, Long> announced;
    private final AtomicLong epoch = new AtomicLong();

    /**
     * @param executor runs Caffeine's maintenance ({@code Runnable::run} runs it on the calling
     *                 thread; tests defer it to play out interleavings)
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
                .evictionListener(this::unindexEvicted)
                .build();
        Duration loadRace = settings.storeTimeout().multipliedBy(MAX_LOAD_ATTEMPTS).plusSeconds(5);
        this.announced = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(loadRace).build();
    }

    /** The cache, for its metrics and for tests. */
    public Cache<String, CachedKey> cache() {
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
        CachedKey cached = cache.asMap().get(key);
        if (cached == null) {
            return null;
        }
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
        stats.recordMisses(1);
        CachedKey stale = cache.asMap().get(key);
        return load(key).handle((fresh, error) -> {
            if (error == null) {
                return decideWith(fresh, origin, ticker.read());
            }
            return stale != null && servableThroughOutage(stale)
                    ? decideWith(stale, origin, ticker.read())
                    : Decision.Denied.of(DenialReason.STORE_UNAVAILABLE);
        });
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

    /** The store's answer for {@code key}: the read in flight for it, or a new one. */
    private CompletableFuture<CachedKey> load(String key) {
        CompletableFuture<CachedKey> pending = loading.get(key);
        if (pending != null) {
            return pending;
        }
        CompletableFuture<CachedKey> mine = new CompletableFuture<>();
        pending = loading.putIfAbsent(key, mine);
        if (pending != null) {
            return pending;
        }
        read(key, KeyLookup.of(key), mine, 1);
        return mine;
    }

    private void read(String key, KeyLookup lookup, CompletableFuture<CachedKey> result, int attempt) {
        UUID id = lookup.id();
        long announcedBefore = announcedVersion(id);
        long loadEpoch = epoch.get();
        long startedAt = ticker.read();
        store.findByKey(lookup).whenComplete((found, error) -> {
            long loadNanos = ticker.read() - startedAt;
            if (error != null) {
                metrics.storeRequest(StoreResult.ERROR);
                stats.recordLoadFailure(loadNanos);
                finish(key, result, null, error);
                return;
            }
            metrics.storeRequest(found.isPresent() ? StoreResult.FOUND : StoreResult.NOT_FOUND);
            stats.recordLoadSuccess(loadNanos);
            CachedKey loaded = toCachedKey(id, found, startedAt, loadEpoch);
            if (!install(key, loaded, announcedBefore) && attempt < MAX_LOAD_ATTEMPTS) {
                read(key, lookup, result, attempt + 1);
                return;
            }
            finish(key, result, loaded, null);
        });
    }

    private static CachedKey toCachedKey(UUID id, Optional<StoredWidgetKey> found, long loadedAt, long epoch) {
        return found.map(stored -> CachedKey.of(id, stored, loadedAt, epoch))
                .orElseGet(() -> CachedKey.unknown(id, loadedAt, epoch));
    }

    /**
     * Puts {@code loaded} in the cache unless an invalidation newer than it arrived during the
     * read; see the class comment for why putting first and checking after is what makes this safe.
     *
     * @return whether {@code loaded} stays cached
     */
    private boolean install(String key, CachedKey loaded, long announcedBefore) {
        UUID id = loaded.id();
        cache.asMap().compute(key, (k, previous) -> {
            keysById.put(id, k);
            return loaded;
        });
        if (isCurrent(loaded, announcedBefore)) {
            return true;
        }
        if (cache.asMap().get(key) == loaded) {
            cache.asMap().computeIfPresent(key, (k, cached) -> cached == loaded ? unindex(id, k) : cached);
        }
        return false;
    }

    /**
     * Whether no invalidation received since the read began says the state changed after it: a
     * found key must be at least at the announced version; for a key the store did not have, any
     * announcement since (a create, say) means the answer may be out of date.
     */
    private boolean isCurrent(CachedKey loaded, long announcedBefore) {
        long announcedNow = announcedVersion(loaded.id());
        return loaded.known() ? loaded.version() >= announcedNow : announcedNow == announcedBefore;
    }

    private void finish(String key, CompletableFuture<CachedKey> result, CachedKey loaded, Throwable error) {
        loading.remove(key, result);
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(loaded);
        }
    }

    private long announcedVersion(UUID id) {
        Long version = announced.getIfPresent(id);
        return version == null ? 0 : version;
    }

    /** Clears the index entry of a removed cache entry; called inside the cache's removal. */
    private CachedKey unindex(UUID id, String key) {
        keysById.remove(id, key);
        return null;
    }

    private void unindexEvicted(String key, CachedKey value, RemovalCause cause) {
        if (key != null && value != null) {
            unindex(value.id(), key);
        }
    }

    @Override
    public void onInvalidation(Invalidation invalidation) {
        UUID id = invalidation.keyId();
        long version = invalidation.version();
        // A write (not an update in place), so that the entry lives on from the latest invalidation.
        announced.asMap().merge(id, version, Math::max);
        String key = keysById.get(id);
        CachedKey cached = key == null ? null : cache.asMap().get(key);
        if (cached != null && !isAtLeast(cached, version)) {
            cache.asMap().computeIfPresent(key, (k, current) -> isAtLeast(current, version) ? current : unindex(id, k));
        }
        metrics.invalidation(clock.millis() - invalidation.publishedAt().toEpochMilli());
    }

    /** Whether {@code cached} already shows the state at {@code version} or later. */
    private static boolean isAtLeast(CachedKey cached, long version) {
        return cached.known() && cached.version() >= version;
    }

    @Override
    public void onResubscribed() {
        epoch.incrementAndGet();
        metrics.resubscribed();
    }
}
