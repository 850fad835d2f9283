package dev.widgetedge.gateway.decide;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Ticker} that reads a field instead of the clock. The decide path needs the time for
 * every request (cache expiry, freshness, usage windows) and {@link System#nanoTime()} costs about
 * 20 ns on a virtual machine; a background thread refreshes this one every
 * {@link #RESOLUTION_MILLIS} ms instead, far finer than any TTL it serves.
 */
public final class CoarseTicker implements Ticker, AutoCloseable {

    /** How stale a reading may be. */
    public static final long RESOLUTION_MILLIS = 5;

    private final Thread updater;
    private volatile long nanos = System.nanoTime();
    private volatile boolean closed;

    private CoarseTicker() {
        updater = new Thread(this::run, "coarse-ticker");
        updater.setDaemon(true);
    }

    /** A ticker with its updater running. */
    public static CoarseTicker start() {
        CoarseTicker ticker = new CoarseTicker();
        ticker.updater.start();
        return ticker;
    }

    @Override
    public long read() {
        return nanos;
    }

    private void run() {
        long period = TimeUnit.MILLISECONDS.toNanos(RESOLUTION_MILLIS);
        while (!closed) {
            nanos = System.nanoTime();
            LockSupport.parkNanos(period);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(updater);
    }
}
