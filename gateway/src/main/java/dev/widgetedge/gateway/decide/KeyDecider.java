package dev.widgetedge.gateway.decide;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.store.InvalidationListener;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.store.Subscription;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.gateway.CacheSettings;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.GatewayMetrics.StoreResult;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The decide path: key format first (no lookup for a malformed key), then what the gateway knows
 * about the key, then the store on a miss, then the origin against the key's allowlist.
 *
 * <p><b>What the gateway knows.</b> In lookup order:
 * <ol>
 *   <li>{@link RecentKeys}: the recently used known keys by their plaintext, so that a hit costs
 *       no digest; the hot path ({@link #decideCached}) ends here.</li>
 *   <li>The key id (a SHA-256 of the key), then the <em>decision cache</em> of known keys by id
 *       (Caffeine, bounded by {@code --cache-max-keys}), used for {@code --cache-ttl} and then
 *       revalidated before use; a key used in the last fifth of its TTL is read again in the
 *       background, so that keys in steady use rarely wait for a revalidation. Its entries do not
 *       expire: every use checks an entry's age, and
 *       the size bound (W-TinyLFU) is what returns memory, which spares the 16 bytes a key that
 *       Caffeine's expiry order would cost.</li>
 *   <li>The {@link ExistenceFilter}: a key id the store certainly does not have is
 *       {@code unknown_key} at once, with no store read and nothing cached.</li>
 *   <li>The <em>negative cache</em> of unknown keys by id (its own Caffeine cache, bounded by
 *       {@code --negative-max-keys}, entries for {@code --negative-ttl}), for the few unknown keys
 *       the filter cannot rule out (and all of them while it is not trusted). Unknown keys
 *       live only here, so they can never evict known ones.</li>
 *   <li>A store read. Misses for the same key share one read ({@code loading} holds the reads in
 *       flight); misses for different keys never wait for each other.</li>
 * </ol>
 *
 * <p><b>Invalidation.</b> An invalidation names a key id and the version the key now has. The
 * gateway keeps, per id, the highest version announced ({@code announced}), long enough to outlive
 * any read in flight. An invalidation first raises {@code announced}, then removes an older entry
 * from both caches; a load first puts its entry, then compares its version with
 * {@code announced}, and takes it back out (and reads again) when an invalidation overtook the
 * read. Either way an entry older than an invalidation received never stays. An entry that leaves
 * the decision cache (replaced, invalidated, evicted) is marked {@link CachedKey#detach detached},
 * which is how {@link RecentKeys} learns that its reference is no longer good. A re-established
 * subscription (messages may have been lost) makes every entry stale and the existence filter
 * untrusted until it is rebuilt.
 *
 * <p><b>The change log.</b> A {@link ChangeLogFollower} reads the store's change log every second:
 * its changes are applied like invalidations ({@link #onLoggedChange}), so an announcement lost
 * on the way takes effect a second later, and each complete read confirms every entry it covers
 * as current ({@link #confirmCurrent}). An entry's age is counted from the later of its own check
 * and that confirmation, so a million cached entries stay fresh without being read again one by
 * one; when the log cannot be read, entries age from their own checks and are revalidated after
 * {@code --cache-ttl} as before.
 *
 * <p><b>Outage.</b> When revalidation fails, an allowed decision keeps serving for up to
 * {@code staleIfError} past its TTL; a disabled key stays refused; an uncached known key is
 * {@link DenialReason#STORE_UNAVAILABLE}, and an unknown key the trusted filter rules out is still
 * {@code unknown_key}.
 *
 * <p><b>Counting.</b> Every decision for a known key is counted for the origin report
 * ({@link TrafficRecorder}), and an allowed one marks the key used ({@link UsageRecorder}).
 *
 * <p>Thread-safe; {@link #decideCached} never blocks and does no I/O, and allocates nothing but
 * the origin report's tally of a key, origin and outcome, once per flush window.
 * {@link #decide} never blocks; its stage completes on the store's thread when it reads.
 */
public final class KeyDecider implements InvalidationListener {

    /**
     * How often one miss reads the store again because an invalidation overtook its read. After
     * that its waiters get the last answer (they raced the change) and nothing is cached.
     */
    private static final int MAX_LOAD_ATTEMPTS = 3;
    private static final int REFRESH_AT_PERCENT = 80;
    /** One lookup in this many (a power of two) is told to the decision cache's eviction policy. */
    static final int READ_SAMPLE = 16;

    private final WidgetKeyStore store;
    private final UsageRecorder usage;
    private final TrafficRecorder traffic;
    private final GatewayMetrics metrics;
    private final ExistenceFilter existence;
    private final DecideClock ticker;
    private final Clock clock;
    private final long ttlNanos;
    /** When a used entry is read again in the background: {@value #REFRESH_AT_PERCENT} % of the TTL. */
    private final long refreshAfterNanos;
    private final long negativeTtlNanos;
    private final long staleIfErrorNanos;
    private final ConcurrentStatsCounter stats = new ConcurrentStatsCounter();
    private final RecentKeys recent = new RecentKeys();
    private final Cache<UUID, CachedKey> known;
    /** {@link #known}'s lookups that leave its eviction policy alone. */
    private final Policy<UUID, CachedKey> knownQuietly;
    private final Cache<UUID, CachedKey> unknown;
    private final ConcurrentHashMap<UUID, CompletableFuture<CachedKey>> loading = new ConcurrentHashMap<>();
    private final Cache<UUID, Long> announced;
    private final AnnouncementBarrier announcements = new AnnouncementBarrier();
    private final AtomicInteger epoch = new AtomicInteger();
    /** The change log's latest confirmation; see {@link #confirmCurrent}. */
    private volatile LogConfirmation confirmation = LogConfirmation.NONE;

    /**
     * Entries of subscription {@code epoch} checked after {@code coveredSince} were still current at
     * {@code confirmedAt} (ticker nanoseconds).
     */
    private record LogConfirmation(int epoch, long coveredSince, long confirmedAt) {
        static final LogConfirmation NONE = new LogConfirmation(-1, Long.MAX_VALUE, Long.MIN_VALUE);
    }

    /**
     * @param existence the existence filter, which this decider keeps informed of invalidations
     *                  and resubscriptions
     * @param upkeep    runs the caches' maintenance (eviction, expiry); tests defer it to play out
     *                  interleavings
     */
    public KeyDecider(WidgetKeyStore store, GatewaySettings settings, UsageRecorder usage, TrafficRecorder traffic,
            GatewayMetrics metrics, ExistenceFilter existence, DecideClock ticker, Clock clock, Executor upkeep) {
        this.store = store;
        this.usage = usage;
        this.traffic = traffic;
        this.metrics = metrics;
        this.existence = existence;
        this.ticker = ticker;
        this.clock = clock;
        CacheSettings cache = settings.cache();
        this.ttlNanos = cache.ttl().toNanos();
        this.refreshAfterNanos = ttlNanos / 100 * REFRESH_AT_PERCENT;
        this.negativeTtlNanos = cache.negativeTtl().toNanos();
        this.staleIfErrorNanos = cache.staleIfError().toNanos();
        this.known = Caffeine.newBuilder()
                .maximumSize(cache.maxKeys())
                .ticker(ticker)
                .executor(upkeep)
                .recordStats(() -> stats)
                .evictionListener((UUID id, CachedKey evicted, RemovalCause cause) -> {
                    if (evicted != null) {
                        evicted.detach();
                    }
                })
                .build();
        this.knownQuietly = known.policy();
        this.unknown = Caffeine.newBuilder()
                .maximumSize(cache.negativeMaxKeys())
                .recordStats()
                .ticker(ticker)
                .executor(upkeep)
                .expireAfterWrite(cache.negativeTtl())
                .build();
        Duration loadRace = settings.storeTimeout().multipliedBy(MAX_LOAD_ATTEMPTS).plusSeconds(5);
        this.announced = Caffeine.newBuilder().ticker(ticker).executor(upkeep).expireAfterWrite(loadRace).build();
    }

    /**
     * The subscription that delivers this decider's invalidations: before calling a key unknown
     * from what it has heard, the decider waits until it has heard everything published so far.
     */
    public void useSubscription(Subscription subscription) {
        announcements.attach(subscription);
    }

    /** The decision cache of known keys, by key id: for its metrics and for tests. */
    public Cache<UUID, CachedKey> cache() {
        return cache(true);
    }

    /** The negative cache of unknown keys, by key id: for its metrics and for tests. */
    public Cache<UUID, CachedKey> negativeCache() {
        return cache(false);
    }

    /**
     * The decision when it needs no I/O and no digest (bad key, or a recently used key that is
     * fresh), else {@code null}: then call {@link #decide}.
     */
    public Decision decideCached(String key, CharSequence origin) {
        if (key == null || key.isEmpty()) {
            return Decision.Denied.of(DenialReason.MISSING_KEY);
        }
        if (!WidgetKeyFormat.isWellFormed(key)) {
            return Decision.Denied.of(DenialReason.INVALID_KEY);
        }
        RecentKeys.Entry entry = recent.get(key);
        if (entry == null) {
            return null;
        }
        CachedKey cached = entry.value;
        long now = ticker.read();
        if (cached.isDetached() || !isFresh(cached, now)) {
            return null;
        }
        stats.recordHits(1);
        refreshEarly(key, cached, now);
        return decideWith(cached, origin, now, entry);
    }

    /**
     * A key in steady use is read again shortly before its TTL runs out, in the background: the
     * request that notices is answered from the entry (still within its TTL, so no guarantee is
     * stretched), and the entry is usually renewed before anyone has to wait for a revalidation.
     * Only the first request past the mark starts the read; its result goes through the same
     * install as every load.
     */
    private void refreshEarly(String key, CachedKey cached, long now) {
        if (now - vouchedAt(cached) > refreshAfterNanos && cached.known() && cached.claimRefresh()) {
            revalidate(key, cached).thenAccept(fresh -> remember(key, fresh));
        }
    }

    /** Puts a known key's current entry in the recent-keys table; its table entry, or {@code null} when not put. */
    private RecentKeys.Entry remember(String key, CachedKey fresh) {
        return fresh.known() && !fresh.isDetached() ? recent.put(key, fresh) : null;
    }

    /** The decision, loading or revalidating the key when it must. Never completes exceptionally. */
    public CompletionStage<Decision> decide(String key, CharSequence origin) {
        Decision immediate = decideCached(key, origin);
        if (immediate != null) {
            return CompletableFuture.completedFuture(immediate);
        }
        UUID id = KeyDigest.keyId(key);
        long now = ticker.read();
        CachedKey cached = lookUpKnown(id);
        if (cached != null && isFresh(cached, now)) {
            RecentKeys.Entry entry = recent.put(key, cached);
            stats.recordHits(1);
            refreshEarly(key, cached, now);
            return CompletableFuture.completedFuture(decideWith(cached, origin, now, entry));
        }
        if (cached == null && (existence.definitelyAbsent(id) || isFreshUnknown(unknown.getIfPresent(id), now))) {
            // Unknown as far as this gateway has heard; make sure it has heard everything.
            return announcements.await().handle((caughtUp, error) -> error != null || isStillUnknown(id)
                    ? CompletableFuture.completedFuture((Decision) Decision.Denied.of(DenialReason.UNKNOWN_KEY))
                    : loadAndDecide(key, id, origin, null))
                    .thenCompose(decision -> decision);
        }
        return loadAndDecide(key, id, origin, cached);
    }

    /**
     * The cached entry for {@code id}, telling the cache's eviction policy of one lookup in
     * {@value #READ_SAMPLE} only. Each read the policy hears of is reordered in its access lists on
     * the upkeep thread, which writes references into entries all over the old generation; with a
     * million keys in use that was a card for G1 to scan, or to refine, for nearly every lookup.
     * A uniform sample keeps the keys' relative frequencies, which is all the policy's admission
     * and eviction go by.
     */
    private CachedKey lookUpKnown(UUID id) {
        if ((ThreadLocalRandom.current().nextInt() & (READ_SAMPLE - 1)) == 0) {
            return known.asMap().get(id);
        }
        return knownQuietly.getIfPresentQuietly(id);
    }

    /**
     * Whether the key is still unknown once every announcement published before the request has
     * arrived: a create among them took it out of the negative cache and put it in the filter.
     */
    private boolean isStillUnknown(UUID id) {
        return existence.stillAbsent(id) || isRememberedAsUnknown(id, ticker.read());
    }

    /** Without counting a lookup (the negative cache's own statistics count the first one). */
    private boolean isRememberedAsUnknown(UUID id, long now) {
        return isFreshUnknown(unknown.asMap().get(id), now);
    }

    private boolean isFreshUnknown(CachedKey remembered, long now) {
        return remembered != null && isFresh(remembered, now);
    }

    /**
     * Reads the key (sharing a read in flight) and decides: a stale known entry is revalidated,
     * anything else loaded; {@code stale} also serves through an outage.
     */
    private CompletionStage<Decision> loadAndDecide(String key, UUID id, CharSequence origin, CachedKey stale) {
        stats.recordMisses(1);
        CompletableFuture<CachedKey> answer = stale != null ? revalidate(key, stale) : load(key, id);
        return answer.handle((fresh, error) -> {
            long decidedAt = ticker.read();
            if (error == null) {
                return decideWith(fresh, origin, decidedAt, remember(key, fresh));
            }
            return stale != null && servableThroughOutage(stale, decidedAt)
                    ? decideWith(stale, origin, decidedAt, null)
                    : Decision.Denied.of(DenialReason.STORE_UNAVAILABLE);
        });
    }

    /**
     * A request {@code allowed} decided, with this {@code Origin} header, that a rate limit then
     * refused: the origin report counts it as {@code rate_limited} rather than served. Called on
     * the refusing thread, off the hot path (refusals only).
     */
    public void rateLimited(Decision.Allowed allowed, CharSequence origin) {
        traffic.rateLimited(allowed.keyId(), origin, allowed.reported() ? ReportOutcome.REPORTED : ReportOutcome.ALLOWED,
                ticker.wallMillis());
    }

    private Decision decideWith(CachedKey cached, CharSequence origin, long now, RecentKeys.Entry entry) {
        Decision decision = cached.decide(origin, ticker.wallMillis(), traffic, entry);
        if (decision instanceof Decision.Allowed) {
            usage.markUsed(cached, now);
        }
        return decision;
    }

    private boolean isFresh(CachedKey cached, long now) {
        long lifetime = cached.known() ? ttlNanos : negativeTtlNanos;
        return cached.epoch() == epoch.get() && now - vouchedAt(cached) <= lifetime;
    }

    /**
     * When the store last vouched for {@code cached}: its own check, or the change log's latest
     * confirmation if that covers it (a known key's entry checked during the log's current reading,
     * in the same subscription).
     */
    private long vouchedAt(CachedKey cached) {
        long checked = cached.checkedAtNanos();
        LogConfirmation log = confirmation;
        return cached.known() && cached.epoch() == log.epoch() && checked > log.coveredSince()
                ? Math.max(checked, log.confirmedAt())
                : checked;
    }

    /**
     * Whether a stale entry may still decide while the store fails: a known key (allowed, or
     * disabled and so refused) within {@code staleIfError} past its TTL.
     */
    private boolean servableThroughOutage(CachedKey stale, long now) {
        return now - vouchedAt(stale) <= ttlNanos + staleIfErrorNanos;
    }

    /** The store's answer for the key with this id: the read in flight for it, or a new one. */
    private CompletableFuture<CachedKey> load(String key, UUID id) {
        CompletableFuture<CachedKey> pending = loading.get(id);
        if (pending != null) {
            return pending;
        }
        CompletableFuture<CachedKey> mine = new CompletableFuture<>();
        pending = loading.putIfAbsent(id, mine);
        if (pending != null) {
            return pending;
        }
        read(new KeyLookup(id, KeyDigest.sha256Hex(key)), mine, 1);
        return mine;
    }

    /**
     * Whether {@code stale} still shows the store's state, by its version alone (one field, no
     * record to decode, nothing new to cache): when it does, the same entry is renewed in place;
     * when the key changed, went, or was invalidated meanwhile, it is read whole. Shares the read
     * in flight for the same id, like {@link #load}.
     */
    private CompletableFuture<CachedKey> revalidate(String key, CachedKey stale) {
        UUID id = stale.id();
        CompletableFuture<CachedKey> pending = loading.get(id);
        if (pending != null) {
            return pending;
        }
        CompletableFuture<CachedKey> mine = new CompletableFuture<>();
        pending = loading.putIfAbsent(id, mine);
        if (pending != null) {
            return pending;
        }
        int checkEpoch = epoch.get();
        long startedAt = ticker.read();
        store.versionOf(id).whenComplete((version, error) -> {
            long checkNanos = ticker.read() - startedAt;
            if (error != null) {
                metrics.storeRequest(StoreResult.ERROR);
                stats.recordLoadFailure(checkNanos);
                finish(id, mine, null, error);
                return;
            }
            if (version.isPresent() && version.getAsLong() == stale.version() && !stale.isDetached()
                    && announcedVersion(id) <= stale.version()) {
                stale.renew(startedAt, checkEpoch);
                // An invalidation that detached it meanwhile wins: then read the key whole.
                if (!stale.isDetached()) {
                    metrics.storeRequest(StoreResult.UNCHANGED);
                    stats.recordLoadSuccess(checkNanos);
                    finish(id, mine, stale, null);
                    return;
                }
            }
            read(new KeyLookup(id, KeyDigest.sha256Hex(key)), mine, 1);
        });
        return mine;
    }

    private void read(KeyLookup lookup, CompletableFuture<CachedKey> result, int attempt) {
        UUID id = lookup.id();
        long announcedBefore = announcedVersion(id);
        int loadEpoch = epoch.get();
        long startedAt = ticker.read();
        store.findByKey(lookup).whenComplete((found, error) -> {
            long loadNanos = ticker.read() - startedAt;
            if (error != null) {
                metrics.storeRequest(StoreResult.ERROR);
                stats.recordLoadFailure(loadNanos);
                finish(id, result, null, error);
                return;
            }
            metrics.storeRequest(found.isPresent() ? StoreResult.FOUND : StoreResult.NOT_FOUND);
            stats.recordLoadSuccess(loadNanos);
            CachedKey loaded = toCachedKey(id, found, startedAt, loadEpoch);
            if (!install(loaded, announcedBefore) && attempt < MAX_LOAD_ATTEMPTS) {
                read(lookup, result, attempt + 1);
                return;
            }
            finish(id, result, loaded, null);
        });
    }

    private static CachedKey toCachedKey(UUID id, Optional<StoredWidgetKey> found, long loadedAt, int epoch) {
        return found.map(stored -> CachedKey.of(id, stored, loadedAt, epoch))
                .orElseGet(() -> CachedKey.unknown(id, loadedAt, epoch));
    }

    /**
     * Puts {@code loaded} in the cache of its kind (and removes the id from the other) unless an
     * invalidation newer than it arrived during the read; see the class comment for why putting
     * first and checking after is what makes this safe.
     *
     * @return whether {@code loaded} stays cached
     */
    private boolean install(CachedKey loaded, long announcedBefore) {
        UUID id = loaded.id();
        cache(loaded.known()).asMap().compute(id, (k, previous) -> replace(previous, loaded));
        remove(cache(!loaded.known()), id);
        if (isCurrent(loaded, announcedBefore)) {
            return true;
        }
        Cache<UUID, CachedKey> cache = cache(loaded.known());
        if (cache.asMap().get(id) == loaded) {
            cache.asMap().computeIfPresent(id, (k, cached) -> cached == loaded ? replace(cached, null) : cached);
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

    private Cache<UUID, CachedKey> cache(boolean forKnownKeys) {
        return forKnownKeys ? known : unknown;
    }

    /** {@code next} in place of {@code previous}, which leaves the cache; called inside the cache's own operation. */
    private static CachedKey replace(CachedKey previous, CachedKey next) {
        if (previous != null && previous != next) {
            previous.detach();
        }
        return next;
    }

    private static void remove(Cache<UUID, CachedKey> cache, UUID id) {
        if (cache.asMap().containsKey(id)) {
            cache.asMap().computeIfPresent(id, (k, cached) -> replace(cached, null));
        }
    }

    private void finish(UUID id, CompletableFuture<CachedKey> result, CachedKey loaded, Throwable error) {
        loading.remove(id, result);
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

    @Override
    public void onInvalidation(Invalidation invalidation) {
        apply(invalidation);
        metrics.invalidation(clock.millis() - invalidation.publishedAt().toEpochMilli());
    }

    /**
     * A change read from the store's change log: applied like an invalidation (usually it arrived
     * as one already, and applying it again changes nothing), but not counted as one received.
     */
    public void onLoggedChange(Invalidation change) {
        apply(change);
    }

    /**
     * The change log's reading that began when {@code coveredSince} was read, in subscription
     * {@code epoch}, has been read to its end by a read sent at {@code confirmedAt}, and every change
     * it found was {@linkplain #onLoggedChange applied}: every known entry of that subscription
     * checked after {@code coveredSince} was current at {@code confirmedAt}. Ignored once the
     * subscription has moved on.
     */
    public void confirmCurrent(int epoch, long coveredSince, long confirmedAt) {
        if (epoch == this.epoch.get()) {
            confirmation = new LogConfirmation(epoch, coveredSince, confirmedAt);
        }
    }

    /** The current subscription's number: it changes with every resubscription. */
    public int subscriptionEpoch() {
        return epoch.get();
    }

    private void apply(Invalidation invalidation) {
        UUID id = invalidation.keyId();
        long version = invalidation.version();
        // A write (not an update in place), so that the entry lives on from the latest invalidation.
        announced.asMap().merge(id, version, Math::max);
        existence.learn(id);
        CachedKey cached = known.asMap().get(id);
        if (cached != null && !isAtLeast(cached, version)) {
            known.asMap().computeIfPresent(id, (k, current) -> isAtLeast(current, version) ? current : replace(current, null));
        }
        remove(unknown, id);
    }

    /** Whether {@code cached} already shows the state at {@code version} or later. */
    private static boolean isAtLeast(CachedKey cached, long version) {
        return cached.version() >= version;
    }

    @Override
    public void onResubscribed() {
        epoch.incrementAndGet();
        existence.subscriptionEstablished();
        metrics.resubscribed();
    }
}
