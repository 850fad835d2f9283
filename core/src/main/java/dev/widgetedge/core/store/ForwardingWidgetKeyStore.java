package dev.widgetedge.core.store;

import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.audit.AuditQuery;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.report.HourlyTraffic;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A {@link WidgetKeyStore} that passes every call to another one: the base of decorators that
 * change a few calls (tests that hold reads back or fail the store, for instance).
 */
public abstract class ForwardingWidgetKeyStore implements WidgetKeyStore {

    private final WidgetKeyStore delegate;

    protected ForwardingWidgetKeyStore(WidgetKeyStore delegate) {
        this.delegate = delegate;
    }

    /** The store calls are passed to. */
    protected WidgetKeyStore delegate() {
        return delegate;
    }

    @Override
    public CompletionStage<List<WidgetKey>> listByAccount(String accountId) {
        return delegate.listByAccount(accountId);
    }

    @Override
    public CompletionStage<ChangeBatch> changesSince(ChangeCursor after, int max) {
        return delegate.changesSince(after, max);
    }

    @Override
    public CompletionStage<Optional<StoredWidgetKey>> findById(UUID id) {
        return delegate.findById(id);
    }

    @Override
    public CompletionStage<OptionalLong> versionOf(UUID id) {
        return delegate.versionOf(id);
    }

    @Override
    public CompletionStage<Void> scanKeyIds(Consumer<UUID> sink) {
        return delegate.scanKeyIds(sink);
    }

    @Override
    public CompletionStage<Optional<StoredWidgetKey>> findByKey(KeyLookup lookup) {
        return delegate.findByKey(lookup);
    }

    @Override
    public CompletionStage<Boolean> insert(WidgetKey key, String digest, Instant now, AuditEvent event) {
        return delegate.insert(key, digest, now, event);
    }

    @Override
    public CompletionStage<Boolean> replace(StoredWidgetKey current, WidgetKey next, Instant now, AuditEvent event) {
        return delegate.replace(current, next, now, event);
    }

    @Override
    public CompletionStage<Boolean> removeUnused(StoredWidgetKey current, Instant now, AuditEvent event) {
        return delegate.removeUnused(current, now, event);
    }

    @Override
    public CompletionStage<RotateResult> rotate(StoredWidgetKey current, WidgetKey retired, WidgetKey successor,
            String successorDigest, Instant now, AuditEvent retiredEvent, AuditEvent createdEvent) {
        return delegate.rotate(current, retired, successor, successorDigest, now, retiredEvent, createdEvent);
    }

    @Override
    public CompletionStage<Optional<List<AuditEvent>>> auditEvents(AuditQuery query) {
        return delegate.auditEvents(query);
    }

    @Override
    public CompletionStage<Void> recordTraffic(UUID keyId, Instant hour, List<TrafficCount> counts) {
        return delegate.recordTraffic(keyId, hour, counts);
    }

    @Override
    public CompletionStage<Void> recordTraffic(List<HourlyTraffic> keys) {
        return delegate.recordTraffic(keys);
    }

    @Override
    public CompletionStage<List<TrafficCount>> originCounts(UUID keyId, List<Instant> hours) {
        return delegate.originCounts(keyId, hours);
    }

    @Override
    public CompletionStage<List<UsageDay>> usageDays(UUID keyId, List<LocalDate> days) {
        return delegate.usageDays(keyId, days);
    }

    @Override
    public CompletionStage<Void> recordUsage(UUID id, Instant usedAt) {
        return delegate.recordUsage(id, usedAt);
    }

    @Override
    public KeyFilterSnapshots keyFilterSnapshots() {
        return delegate.keyFilterSnapshots();
    }

    @Override
    public Subscription subscribe(InvalidationListener listener) {
        return delegate.subscribe(listener);
    }

    @Override
    public CompletionStage<Void> ping() {
        return delegate.ping();
    }

    @Override
    public Optional<RateCountStore> rateCounts() {
        return delegate.rateCounts();
    }
}
