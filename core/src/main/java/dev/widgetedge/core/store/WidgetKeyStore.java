package dev.widgetedge.core.store;

import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The system of record for widget keys: the one storage interface, implemented on Redis and in
 * memory.
 *
 * <p>Every method is non-blocking and thread-safe. A stage completes exceptionally with a
 * {@link StoreException} when the store is unreachable, fails, or does not answer within the
 * configured store timeout. Every successful mutation publishes an {@link Invalidation}
 * atomically with its writes: either both happen or neither.
 *
 * <p>Mutations are conditional on the version that was read ({@link StoredWidgetKey#version()}),
 * so that callers can read, decide and write without a lock and retry on a conflict.
 */
public interface WidgetKeyStore {

    /** The keys of one account, newest first. */
    CompletionStage<List<WidgetKey>> listByAccount(String accountId);

    /** The key with this id in any account; the caller checks the account. */
    CompletionStage<Optional<StoredWidgetKey>> findById(UUID id);

    /**
     * The gateway's lookup: the key whose record matches both the id and the digest. One read.
     */
    CompletionStage<Optional<StoredWidgetKey>> findByKey(KeyLookup lookup);

    /**
     * The version of the key with this id, or empty when there is none: the gateway's cheap
     * revalidation of an entry it already holds (a key id belongs to one key only, so an unchanged
     * version means an unchanged record). One read of one field.
     */
    CompletionStage<OptionalLong> versionOf(UUID id);

    /**
     * Stores a new key at version 1 and publishes its invalidation (which clears any negative
     * cache entry a gateway holds for it).
     *
     * @return {@code false} if a key with the same id exists already
     */
    CompletionStage<Boolean> insert(WidgetKey key, String digest, Instant now);

    /**
     * Replaces the user-settable state of {@code current} with {@code next} if the stored version
     * is still {@code current.version()}; the stored {@code last_used_at} is kept as it is.
     *
     * @return {@code false} on a version conflict or if the key is gone
     */
    CompletionStage<Boolean> replace(StoredWidgetKey current, WidgetKey next, Instant now);

    /**
     * Removes {@code current} if its version is unchanged and it has still never been used.
     *
     * @return {@code false} on a version conflict, a use recorded since, or if it is gone
     */
    CompletionStage<Boolean> removeUnused(StoredWidgetKey current, Instant now);

    /**
     * Records that the key was used at {@code usedAt}, unless it has a later use recorded or no
     * longer exists. Does not publish: use does not change any decision.
     */
    CompletionStage<Void> recordUsage(UUID id, Instant usedAt);

    /**
     * Passes the id of every stored widget key to {@code sink}, one call at a time (never
     * concurrently), and completes when all have been passed. An id may be passed more than once
     * (Redis {@code SCAN} repeats some while its table grows); keys created or deleted while the
     * scan runs may or may not be passed. For the gateway's existence filter: ids only, no record
     * is read.
     */
    CompletionStage<Void> scanKeyIds(Consumer<UUID> sink);

    /**
     * Delivers every invalidation published from now on to {@code listener} until the returned
     * handle is closed.
     */
    Subscription subscribe(InvalidationListener listener);

    /** Completes normally when the store answers. */
    CompletionStage<Void> ping();
}
