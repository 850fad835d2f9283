package dev.widgetedge.core.store;

import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.audit.AuditQuery;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The embedded store of {@code widget-edge dev}: everything in this process's memory, gone when it
 * exits. Same contract as the Redis store, the audit log's and the report's bounds included. One
 * lock guards everything, so every mutation is atomic with its event. Invalidations go to
 * in-process listeners, synchronously on the mutating thread, after the mutation is visible. They
 * are published outside the store's lock (listeners never run under it), so two concurrent
 * mutations may reach a listener in either order; each invalidation carries its version, which is
 * what listeners order by (as they must for Redis too, where a subscription may lag).
 */
public final class InMemoryWidgetKeyStore implements WidgetKeyStore {

    /** Newest first, as listings require; the id breaks ties so the order is total. */
    private static final Comparator<WidgetKey> NEWEST_FIRST =
            Comparator.comparing(WidgetKey::createdAt).reversed().thenComparing(WidgetKey::id);

    /**
     * How many changes the log keeps: in process nothing is ever lost on the way, so the log is
     * only read by a gateway's follower, which reads it every second or so.
     */
    private static final int LOG_CAPACITY = 10_000;

    private record Entry(StoredWidgetKey stored, String digest) {
    }

    private final Map<UUID, Entry> entries = new HashMap<>();
    private final Map<String, MemoryAuditLog> auditLogs = new HashMap<>();
    private final MemoryTraffic traffic = new MemoryTraffic();
    private final AuditLimits auditLimits;
    private final List<InvalidationListener> listeners = new CopyOnWriteArrayList<>();
    /** The change log: the latest {@link #LOG_CAPACITY} changes, the oldest first. */
    private final ArrayDeque<Invalidation> log = new ArrayDeque<>();
    /** The log position of {@code log}'s first element; positions count changes from 1. */
    private long logStart = 1;

    /** A store whose audit log keeps events for the default retention. */
    public InMemoryWidgetKeyStore() {
        this(AuditLimits.defaults());
    }

    public InMemoryWidgetKeyStore(AuditLimits auditLimits) {
        this.auditLimits = auditLimits;
    }

    @Override
    public synchronized CompletionStage<List<WidgetKey>> listByAccount(String accountId) {
        List<WidgetKey> keys = entries.values().stream()
                .map(entry -> entry.stored().key())
                .filter(key -> key.accountId().equals(accountId))
                .sorted(NEWEST_FIRST)
                .toList();
        return CompletableFuture.completedFuture(keys);
    }

    @Override
    public synchronized CompletionStage<Optional<StoredWidgetKey>> findById(UUID id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(entries.get(id)).map(Entry::stored));
    }

    @Override
    public synchronized CompletionStage<OptionalLong> versionOf(UUID id) {
        Entry entry = entries.get(id);
        return CompletableFuture.completedFuture(entry == null ? OptionalLong.empty()
                : OptionalLong.of(entry.stored().version()));
    }

    @Override
    public CompletionStage<Void> scanKeyIds(Consumer<UUID> sink) {
        List<UUID> ids;
        synchronized (this) {
            ids = List.copyOf(entries.keySet());
        }
        ids.forEach(sink);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Optional<StoredWidgetKey>> findByKey(KeyLookup lookup) {
        Entry entry = entries.get(lookup.id());
        boolean matches = entry != null && KeyDigest.constantTimeEquals(entry.digest(), lookup.digest());
        return CompletableFuture.completedFuture(matches ? Optional.of(entry.stored()) : Optional.empty());
    }

    @Override
    public CompletionStage<Boolean> insert(WidgetKey key, String digest, Instant now, AuditEvent event) {
        Invalidation change = new Invalidation(key.id(), 1, now);
        synchronized (this) {
            if (entries.containsKey(key.id())) {
                return CompletableFuture.completedFuture(false);
            }
            entries.put(key.id(), new Entry(new StoredWidgetKey(key, 1), digest));
            append(event);
            logChange(change);
        }
        publish(change);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletionStage<Boolean> replace(StoredWidgetKey current, WidgetKey next, Instant now, AuditEvent event) {
        Invalidation change = new Invalidation(current.key().id(), current.version() + 1, now);
        synchronized (this) {
            if (!isCurrent(current)) {
                return CompletableFuture.completedFuture(false);
            }
            put(next, change.version());
            append(event);
            logChange(change);
        }
        publish(change);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletionStage<Boolean> removeUnused(StoredWidgetKey current, Instant now, AuditEvent event) {
        UUID id = current.key().id();
        Invalidation change = new Invalidation(id, current.version() + 1, now);
        synchronized (this) {
            if (!isCurrent(current) || entries.get(id).stored().key().lastUsedAt() != null) {
                return CompletableFuture.completedFuture(false);
            }
            entries.remove(id);
            traffic.forget(id);
            append(event);
            logChange(change);
        }
        publish(change);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletionStage<RotateResult> rotate(StoredWidgetKey current, WidgetKey retired, WidgetKey successor,
            String successorDigest, Instant now, AuditEvent retiredEvent, AuditEvent createdEvent) {
        Invalidation retiredChange = new Invalidation(current.key().id(), current.version() + 1, now);
        Invalidation createdChange = new Invalidation(successor.id(), 1, now);
        synchronized (this) {
            if (!isCurrent(current)) {
                return CompletableFuture.completedFuture(RotateResult.CONFLICT);
            }
            if (entries.containsKey(successor.id())) {
                return CompletableFuture.completedFuture(RotateResult.ID_TAKEN);
            }
            put(retired, retiredChange.version());
            entries.put(successor.id(), new Entry(new StoredWidgetKey(successor, 1), successorDigest));
            append(retiredEvent);
            append(createdEvent);
            logChange(retiredChange);
            logChange(createdChange);
        }
        publish(retiredChange);
        publish(createdChange);
        return CompletableFuture.completedFuture(RotateResult.ROTATED);
    }

    @Override
    public synchronized CompletionStage<Optional<List<AuditEvent>>> auditEvents(AuditQuery query) {
        MemoryAuditLog log = auditLogs.get(query.accountId());
        if (log == null) {
            return CompletableFuture.completedFuture(query.before() == null ? Optional.of(List.of()) : Optional.empty());
        }
        return CompletableFuture.completedFuture(log.page(query));
    }

    @Override
    public synchronized CompletionStage<Void> recordTraffic(UUID keyId, Instant hour, List<TrafficCount> counts) {
        if (entries.containsKey(keyId)) {
            traffic.record(keyId, hour, counts);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<List<TrafficCount>> originCounts(UUID keyId, List<Instant> hours) {
        return CompletableFuture.completedFuture(traffic.origins(keyId, hours));
    }

    @Override
    public synchronized CompletionStage<List<UsageDay>> usageDays(UUID keyId, List<LocalDate> days) {
        return CompletableFuture.completedFuture(traffic.usage(keyId, days));
    }

    @Override
    public synchronized CompletionStage<Void> recordUsage(UUID id, Instant usedAt) {
        Entry entry = entries.get(id);
        if (entry != null) {
            WidgetKey key = entry.stored().key();
            if (key.lastUsedAt() == null || key.lastUsedAt().isBefore(usedAt)) {
                WidgetKey used = key.withLastUsedAt(usedAt);
                entries.put(id, new Entry(new StoredWidgetKey(used, entry.stored().version()), entry.digest()));
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<ChangeBatch> changesSince(ChangeCursor after, int max) {
        long end = logStart + log.size();
        ChangeCursor head = new ChangeCursor(Long.toString(end - 1), System.currentTimeMillis());
        if (after == null) {
            return CompletableFuture.completedFuture(ChangeBatch.start(head));
        }
        long next = Long.parseLong(after.position()) + 1;
        boolean outdated = head.readAtMillis() - after.readAtMillis() > CHANGE_LOG_RETENTION.toMillis() / 2;
        if (next < logStart || outdated) {
            return CompletableFuture.completedFuture(ChangeBatch.gapBefore(head));
        }
        List<Invalidation> changes = new ArrayList<>();
        Iterator<Invalidation> logged = log.iterator();
        for (long position = logStart; logged.hasNext() && changes.size() < max; position++) {
            Invalidation change = logged.next();
            if (position >= next) {
                changes.add(change);
            }
        }
        long last = next - 1 + changes.size();
        return CompletableFuture.completedFuture(new ChangeBatch(changes,
                new ChangeCursor(Long.toString(last), head.readAtMillis()), last == end - 1, false));
    }

    @Override
    public Subscription subscribe(InvalidationListener listener) {
        listeners.add(listener);
        // In process, the subscription is in place at once.
        listener.onResubscribed();
        return new Subscription() {
            @Override
            public CompletionStage<Void> caughtUp() {
                // Publishing delivers before the mutation returns: nothing is ever on its way.
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
                listeners.remove(listener);
            }
        };
    }

    @Override
    public CompletionStage<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }

    /** Whether {@code current} is still what is stored, version and all; the lock is held. */
    private boolean isCurrent(StoredWidgetKey current) {
        Entry entry = entries.get(current.key().id());
        return entry != null && entry.stored().version() == current.version();
    }

    /** Stores {@code next} at {@code version}, keeping the stored use and digest; the lock is held. */
    private void put(WidgetKey next, long version) {
        Entry entry = entries.get(next.id());
        WidgetKey kept = next.withLastUsedAt(entry.stored().key().lastUsedAt());
        entries.put(kept.id(), new Entry(new StoredWidgetKey(kept, version), entry.digest()));
    }

    /** Appends {@code event} (if any) to its account's log; the lock is held. */
    private void append(AuditEvent event) {
        if (event != null) {
            auditLogs.computeIfAbsent(event.accountId(), account -> new MemoryAuditLog(auditLimits)).append(event);
        }
    }

    /** Appends to the change log; called under the store's lock, with the mutation. */
    private void logChange(Invalidation change) {
        log.addLast(change);
        if (log.size() > LOG_CAPACITY) {
            log.removeFirst();
            logStart++;
        }
    }

    private void publish(Invalidation invalidation) {
        for (InvalidationListener listener : listeners) {
            listener.onInvalidation(invalidation);
        }
    }
}
