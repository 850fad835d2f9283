package dev.widgetedge.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that is written at most once per interval however often its event happens, for
 * events a client can cause at will (one per request or per connection): the line carries the
 * number of occurrences it stands for, and no stack trace. Thread-safe.
 */
public final class ThrottledLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    public ThrottledLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Writes {@code "<event> (<n> more since the last such line): <detail>"} at WARN, or counts it. */
    public void warn(String event, String detail) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if (now - next >= 0 && nextNanos.compareAndSet(next, now + intervalNanos)) {
            log.warn("{} ({} more since the last such line): {}", event, unlogged.getAndSet(0), detail);
        } else {
            unlogged.incrementAndGet();
        }
    }
}
