package dev.widgetedge.gateway.metrics;

/** What the metrics show of the existence filter. Thread-safe; read on every scrape. */
public interface KeyFilterState {

    /** Whether a filter is built and in use. */
    boolean isTrusted();

    /** The heap the filter in use takes, 0 when none. */
    long sizeBytes();

    /** About how many key ids the filter in use holds, 0 when none. */
    long approximateCount();

    /**
     * How long the last completed build took, reading the store's snapshot or scanning its key index
     * included; 0 before the first.
     */
    double lastBuildSeconds();
}
