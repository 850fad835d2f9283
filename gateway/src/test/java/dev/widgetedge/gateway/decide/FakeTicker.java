package dev.widgetedge.gateway.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Both clocks of the decide path, moved by hand and together. */
public final class FakeTicker implements DecideClock {

    private static final long START_NANOS = 1_000_000_000L;

    private final AtomicLong nanos = new AtomicLong(START_NANOS);
    private final long wallStartMillis;

    /** Clocks whose wall clock starts at {@code wallStart}. */
    public FakeTicker(Instant wallStart) {
        this.wallStartMillis = wallStart.toEpochMilli();
    }

    /** Clocks whose wall clock starts now. */
    public FakeTicker() {
        this(Instant.now());
    }

    @Override
    public long read() {
        return nanos.get();
    }

    @Override
    public long wallMillis() {
        return wallStartMillis + (nanos.get() - START_NANOS) / 1_000_000;
    }

    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
