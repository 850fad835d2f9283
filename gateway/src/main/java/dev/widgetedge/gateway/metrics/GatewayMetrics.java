package dev.widgetedge.gateway.metrics;

/**
 * What the gateway measures. Implementations must be cheap and thread-safe: they are called on
 * the request path. Labels are outcomes and results, never keys.
 */
public interface GatewayMetrics {

    /** One answered request. */
    void request(RequestOutcome outcome, long durationNanos);

    /**
     * One store read by the decide path: {@code found}, {@code not_found}, {@code unchanged} (a
     * revalidation that found the cached version current) or {@code error}.
     */
    void storeRequest(StoreResult result);

    /** One invalidation applied, {@code lagMillis} after the admin API published it. */
    void invalidation(long lagMillis);

    /** The subscription was re-established and every cached entry marked stale. */
    void resubscribed();

    /**
     * One read of the store's change log: {@code started} (a new reading from the log's end),
     * {@code read}, {@code gap} (the log no longer held everything since the last read: a new
     * reading starts) or {@code error}.
     */
    void changeLogRead(ChangeLogRead result);

    /** The existence filter answered for a key not in the cache: {@code absent} (refused without a read) or maybe. */
    void keyFilterChecked(boolean absent);

    /** One existence-filter build ended with a filter in use, built from {@code source}. */
    void keyFilterBuilt(KeyFilterSource source);

    /** One existence-filter build failed (the store did not answer): it is retried. */
    void keyFilterBuildFailed();

    /** One write of the existence filter's snapshot to the store: saved, or failed. */
    void keyFilterSnapshotSaved(boolean success);

    /** One origin-report write of one key's counts: written, or failed (kept for the next flush). */
    void reportWrite(boolean success);

    /** Requests the origin report gave up on (too many keys in a window, or the store down too long). */
    void reportDropped(long requests);

    /** One upstream response (or failure: status 502/504) for a proxied request. */
    void upstreamResponse(int status);

    /** One client connection ended by a transport error (reset by the client, broken pipe). */
    void connectionReset();

    /** One connection closed for a missing or invalid PROXY protocol header. */
    void proxyProtocolRejected();

    /** One request refused by a rate limit ({@code 429}). */
    void rateLimited(LimitKind limit);

    /** One round of sharing rate-limit counts through the store: reported back, or failed. */
    void rateLimitSync(boolean success);

    /** The outcome of a store read. */
    enum StoreResult {
        FOUND("found"), NOT_FOUND("not_found"), UNCHANGED("unchanged"), ERROR("error");

        private final String label;

        StoreResult(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The outcome of a read of the change log. */
    enum ChangeLogRead {
        STARTED("started"), READ("read"), GAP("gap"), ERROR("error");

        private final String label;

        ChangeLogRead(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Where a trusted existence filter came from. */
    enum KeyFilterSource {
        /** The snapshot another gateway (or this one) left in the store, brought up to date from the change log. */
        SNAPSHOT("snapshot"),
        /** A scan of the store's key index. */
        SCAN("scan");

        private final String label;

        KeyFilterSource(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Metrics that record nothing, for tests and benchmarks. */
    static GatewayMetrics noop() {
        return NoopGatewayMetrics.INSTANCE;
    }
}
