package dev.widgetedge.core.store;

import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.audit.AuditQuery;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.report.HourlyTraffic;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The system of record for widget keys: the one storage interface, implemented on Redis and in
 * memory.
 *
 * <p>Every method is non-blocking and thread-safe. A stage completes exceptionally with a
 * {@link StoreException} when the store is unreachable, fails, or does not answer within the
 * configured store timeout. Every successful mutation publishes an {@link Invalidation},
 * appends the same invalidation to the store's <em>change log</em> and its {@link AuditEvent} to
 * the account's audit log, atomically with its writes: all of it happens or none of it. (A
 * mutation's {@code event} may be {@code null} only where no user acts: tools and tests that seed
 * a store directly.) The publish reaches subscribers at once but can be lost (a subscriber that is
 * disconnected misses it); the change log keeps every change for {@link #CHANGE_LOG_RETENTION}, so
 * a reader that follows it has seen every change up to the moment of its last read.
 *
 * <p>Mutations are conditional on the version that was read ({@link StoredWidgetKey#version()}),
 * so that callers can read, decide and write without a lock and retry on a conflict.
 */
public interface WidgetKeyStore {

    /**
     * How long the change log keeps a change at least. A reader whose cursor is older than half
     * of it is told of a gap ({@link ChangeBatch#gap()}), leaving room for clock steps.
     */
    Duration CHANGE_LOG_RETENTION = Duration.ofMinutes(10);

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
    CompletionStage<Boolean> insert(WidgetKey key, String digest, Instant now, AuditEvent event);

    /**
     * Replaces the state of {@code current} with {@code next} if the stored version is still
     * {@code current.version()}; the stored {@code last_used_at} is kept as it is.
     *
     * @return {@code false} on a version conflict or if the key is gone
     */
    CompletionStage<Boolean> replace(StoredWidgetKey current, WidgetKey next, Instant now, AuditEvent event);

    /**
     * Removes {@code current} if its version is unchanged and it has still never been used.
     *
     * @return {@code false} on a version conflict, a use recorded since, or if it is gone
     */
    CompletionStage<Boolean> removeUnused(StoredWidgetKey current, Instant now, AuditEvent event);

    /** The outcome of {@link #rotate}. */
    enum RotateResult {
        /** Both keys written, both invalidations published, both events appended. */
        ROTATED,
        /** The old key changed since it was read (or is gone): nothing was written. */
        CONFLICT,
        /** A key with the successor's id exists already: nothing was written. */
        ID_TAKEN
    }

    /**
     * One rotation, all or nothing: replaces {@code current} with {@code retired} (conditional on
     * its version, as {@link #replace}), stores {@code successor} at version 1 (as {@link #insert}),
     * publishes both invalidations and appends both events.
     */
    CompletionStage<RotateResult> rotate(StoredWidgetKey current, WidgetKey retired, WidgetKey successor,
            String successorDigest, Instant now, AuditEvent retiredEvent, AuditEvent createdEvent);

    /**
     * A page of an account's audit log, newest first, with the ids the store gave the events.
     *
     * @return empty when {@code query.before()} names no event of the account's log
     */
    CompletionStage<Optional<List<AuditEvent>>> auditEvents(AuditQuery query);

    /**
     * Adds a gateway's counts for one key and one UTC hour to the origin report and to the day's
     * usage, in one step. The report keeps at most
     * {@link dev.widgetedge.core.report.ReportLimits#MAX_ORIGINS_PER_HOUR} distinct origins per key
     * and hour, whoever wrote them; the counts of any origin past that go to
     * {@link dev.widgetedge.core.report.OriginLabels#OTHER}. Counts for a key that no longer
     * exists are dropped. Does not publish.
     *
     * @param hour the start of the UTC hour the requests were answered in
     */
    CompletionStage<Void> recordTraffic(UUID keyId, Instant hour, List<TrafficCount> counts);

    /**
     * {@link #recordTraffic} for several keys at once, as the gateway's report flush writes them; a
     * store may write them in one operation (each key's counts still in one step). Completes
     * exceptionally if any write failed.
     */
    default CompletionStage<Void> recordTraffic(List<HourlyTraffic> keys) {
        return CompletableFuture.allOf(keys.stream()
                .map(key -> recordTraffic(key.keyId(), key.hour(), key.counts()).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /** The origin report of one key for these UTC hours (given by their start), one row per hour, origin and outcome. */
    CompletionStage<List<TrafficCount>> originCounts(UUID keyId, List<Instant> hours);

    /** The usage of one key on those of these UTC days that had traffic. */
    CompletionStage<List<UsageDay>> usageDays(UUID keyId, List<LocalDate> days);

    /**
     * Records that the key was used at {@code usedAt}, unless it has a later use recorded or no
     * longer exists. Does not publish: use does not change any decision.
     */
    CompletionStage<Void> recordUsage(UUID id, Instant usedAt);

    /**
     * {@link #recordUsage} for many keys at once, as the gateway's usage flush writes them; a
     * store may write them in one operation. Completes exceptionally if any write failed.
     */
    default CompletionStage<Void> recordUsages(Map<UUID, Instant> uses) {
        return CompletableFuture.allOf(uses.entrySet().stream()
                .map(use -> recordUsage(use.getKey(), use.getValue()).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Passes the id of every stored widget key to {@code sink}, one call at a time (never
     * concurrently), and completes when all have been passed. An id may be passed more than once
     * (Redis {@code SCAN} repeats some while its table grows); keys created or deleted while the
     * scan runs may or may not be passed. For the gateway's existence filter: ids only, no record
     * is read.
     */
    CompletionStage<Void> scanKeyIds(Consumer<UUID> sink);

    /**
     * Reads the change log after {@code after}: at most {@code max} changes, oldest first. With
     * {@code after == null}, starts a reading: no changes, and a cursor at the end of the log, so
     * that the next read returns exactly the changes made after this one was answered. A cursor
     * read more than half of {@link #CHANGE_LOG_RETENTION} ago, or past changes the log no longer
     * holds, gets {@link ChangeBatch#gapBefore a gap}. One read; it writes nothing.
     */
    CompletionStage<ChangeBatch> changesSince(ChangeCursor after, int max);

    /**
     * Where the gateways share their existence filter's snapshot. A store that keeps none (the
     * in-memory store: building from memory is instant) answers {@link KeyFilterSnapshots#NONE}.
     */
    default KeyFilterSnapshots keyFilterSnapshots() {
        return KeyFilterSnapshots.NONE;
    }

    /**
     * Delivers every invalidation published from now on to {@code listener} until the returned
     * handle is closed.
     */
    Subscription subscribe(InvalidationListener listener);

    /** Completes normally when the store answers. */
    CompletionStage<Void> ping();

    /**
     * Where gateways on this store share their rate-limit counts; empty for a store that only one
     * process uses (in memory), whose gateway counts alone.
     */
    default Optional<RateCountStore> rateCounts() {
        return Optional.empty();
    }
}
