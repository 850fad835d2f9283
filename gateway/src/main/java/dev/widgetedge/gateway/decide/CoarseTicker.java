package dev.widgetedge.gateway.decide;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link DecideClock} that reads fields instead of the clocks. The decide path needs the time
 * for every request (cache expiry, freshness, usage windows, key expiry) and
 * {@link System#nanoTime()} costs about 20 ns on a virtual machine, as does
 * {@link System#currentTimeMillis()}; a background thread refreshes both every
 * {@link #RESOLUTION_MILLIS} ms instead, far finer than any TTL or expiry they serve.
 */
public final class CoarseTicker implements DecideClock, AutoCloseable {

    /** How stale a reading may be. */
    public static final long RESOLUTION_MILLIS = 5;

    private final Thread updater;
    private volatile long nanos = System.nanoTime();
    private volatile long wallMillis = System.currentTimeMillis();
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

    @Override
    public long wallMillis() {
        return wallMillis;
    }

    private void run() {
        long period = TimeUnit.MILLISECONDS.toNanos(RESOLUTION_MILLIS);
        while (!closed) {
            nanos = System.nanoTime();
            wallMillis = System.currentTimeMillis();
            LockSupport.parkNanos(period);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(updater);
    }
}
