package dev.widgetedge.core.store;

import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.audit.AuditQuery;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One account's audit log in memory, for {@link InMemoryWidgetKeyStore}: event ids in the Redis
 * stream form ({@code <epoch ms>-<sequence>}, growing), the same retention and cap as on Redis.
 * Not thread-safe: the store's lock guards it.
 */
final class MemoryAuditLog {

    private final AuditLimits limits;
    private final ArrayDeque<AuditEvent> events = new ArrayDeque<>();
    private long lastMillis = -1;
    private long sequence;

    MemoryAuditLog(AuditLimits limits) {
        this.limits = limits;
    }

    void append(AuditEvent event) {
        long millis = Math.max(event.at().toEpochMilli(), lastMillis);
        sequence = millis == lastMillis ? sequence + 1 : 0;
        lastMillis = millis;
        events.addLast(event.withId(millis + "-" + sequence));
        long oldest = event.at().minus(limits.retention()).toEpochMilli();
        while (events.size() > limits.maxEvents()
                || EventId.parse(events.peekFirst().id()).millis() < oldest) {
            events.removeFirst();
        }
    }

    /** The page {@code query} asks for; empty when its {@code before} is not an event of this log. */
    Optional<List<AuditEvent>> page(AuditQuery query) {
        EventId before = query.before() == null ? null : EventId.parse(query.before());
        if (before != null && events.stream().noneMatch(event -> event.id().equals(query.before()))) {
            return Optional.empty();
        }
        long notBefore = query.notBefore().toEpochMilli();
        List<AuditEvent> page = new ArrayList<>();
        for (Iterator<AuditEvent> newestFirst = events.descendingIterator();
                newestFirst.hasNext() && page.size() < query.limit(); ) {
            AuditEvent event = newestFirst.next();
            EventId id = EventId.parse(event.id());
            if (id.millis() < notBefore) {
                break;
            }
            if ((before == null || id.compareTo(before) < 0)
                    && (query.keyId() == null || query.keyId().equals(event.keyId()))) {
                page.add(event);
            }
        }
        return Optional.of(page);
    }

    /** An event id, {@code <epoch ms>-<sequence>}, ordered as Redis orders stream ids. */
    record EventId(long millis, long sequence) implements Comparable<EventId> {

        static EventId parse(String id) {
            int dash = id.indexOf('-');
            return new EventId(Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
        }

        @Override
        public int compareTo(EventId other) {
            int byMillis = Long.compare(millis, other.millis);
            return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
        }
    }
}
