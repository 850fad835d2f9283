package dev.widgetedge.gateway.decide;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The decide path's clocks, both cheap enough to read on every request: the {@link Ticker}
 * (monotonic nanoseconds) for cache lifetimes and windows, and the wall clock for what the store
 * dates: a key's {@code expires_at}, and when a request was counted for the origin report. Each
 * gateway compares a key's expiry with its own wall clock, at request time.
 */
public interface DecideClock extends Ticker {

    /** The wall clock, epoch milliseconds. */
    long wallMillis();
}
