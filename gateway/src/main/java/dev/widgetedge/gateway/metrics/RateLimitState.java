package dev.widgetedge.gateway.metrics;

/** What the metrics show of the rate limits. Thread-safe; read on every scrape. */
public interface RateLimitState {

    /** About how many subjects are counted. */
    long subjects();

    /** Gateways sharing the limits, as last counted; 1 without a store. */
    int gateways();

    /** Whether the store is out of reach and this gateway enforces only its share. */
    boolean degraded();
}
