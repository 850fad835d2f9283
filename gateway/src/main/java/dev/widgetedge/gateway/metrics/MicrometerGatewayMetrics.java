package dev.widgetedge.gateway.metrics;

import dev.widgetedge.server.InFlightRequests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The gateway's meters (docs/metrics.md), all created here, once: names and descriptions live in this
 * class, and the request path only increments references it already holds.
 */
public final class MicrometerGatewayMetrics implements GatewayMetrics {

    private static final Duration[] LATENCY_BUCKETS = Stream.of(
                    100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L,
                    50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L,
                    5_000_000_000L, 10_000_000_000L, 30_000_000_000L)
            .map(Duration::ofNanos).toArray(Duration[]::new);
    private static final double[] LAG_BUCKETS_SECONDS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final Map<RequestOutcome, Counter> requests = new EnumMap<>(RequestOutcome.class);
    private final Timer duration;
    private final Map<StoreResult, Counter> storeRequests = new EnumMap<>(StoreResult.class);
    private final Counter invalidations;
    private final DistributionSummary invalidationLag;
    private final Counter resubscriptions;
    private final Map<ChangeLogRead, Counter> changeLogReads = new EnumMap<>(ChangeLogRead.class);
    private final Counter keyFilterAbsent;
    private final Counter keyFilterMaybe;
    private final Map<KeyFilterSource, Counter> keyFilterBuilt = new EnumMap<>(KeyFilterSource.class);
    private final Counter keyFilterBuildFailed;
    private final Counter keyFilterSnapshotSaved;
    private final Counter keyFilterSnapshotFailed;
    private final Counter reportWritten;
    private final Counter reportWriteFailed;
    private final Counter reportDropped;
    private final Counter[] upstreamByClass = new Counter[6];
    private final Counter connectionResets;
    private final Counter proxyProtocolRejected;
    private final Map<LimitKind, Counter> rateLimited = new EnumMap<>(LimitKind.class);
    private final Counter rateLimitSyncs;
    private final Counter rateLimitSyncFailures;

    public MicrometerGatewayMetrics(MeterRegistry registry) {
        for (RequestOutcome outcome : RequestOutcome.values()) {
            requests.put(outcome, Counter.builder("widget.gateway.requests")
                    .description("Gateway requests answered, by outcome")
                    .tag("outcome", outcome.label())
                    .register(registry));
        }
        duration = Timer.builder("widget.gateway.request.duration")
                .description("Time from reading a gateway request to writing its response headers")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        for (StoreResult result : StoreResult.values()) {
            storeRequests.put(result, Counter.builder("widget.gateway.store.requests")
                    .description("Store reads by the decide path (cache misses and revalidations), by result")
                    .tag("result", result.label())
                    .register(registry));
        }
        for (ChangeLogRead result : ChangeLogRead.values()) {
            changeLogReads.put(result, Counter.builder("widget.gateway.change.log.reads")
                    .description("Reads of the store's change log, by result")
                    .tag("result", result.label())
                    .register(registry));
        }
        invalidations = Counter.builder("widget.gateway.invalidations")
                .description("Invalidation messages applied to the cache")
                .register(registry);
        invalidationLag = DistributionSummary.builder("widget.gateway.invalidation.lag")
                .description("Time from the admin API publishing an invalidation to this gateway applying it")
                .baseUnit("seconds")
                .serviceLevelObjectives(LAG_BUCKETS_SECONDS)
                .register(registry);
        resubscriptions = Counter.builder("widget.gateway.resubscriptions")
                .description("Times the invalidation subscription was re-established and the cache marked stale")
                .register(registry);
        keyFilterAbsent = keyFilterCounter(registry, "absent");
        keyFilterMaybe = keyFilterCounter(registry, "maybe");
        for (KeyFilterSource source : KeyFilterSource.values()) {
            keyFilterBuilt.put(source, keyFilterBuildCounter(registry, "success", source.label()));
        }
        keyFilterBuildFailed = keyFilterBuildCounter(registry, "failure", "none");
        keyFilterSnapshotSaved = keyFilterSnapshotCounter(registry, "success");
        keyFilterSnapshotFailed = keyFilterSnapshotCounter(registry, "failure");
        reportWritten = reportWriteCounter(registry, "success");
        reportWriteFailed = reportWriteCounter(registry, "failure");
        reportDropped = Counter.builder("widget.gateway.report.dropped.requests")
                .description("Requests the origin report gave up on: too many keys in one flush window, "
                        + "or the store down for too many flushes")
                .register(registry);
        connectionResets = Counter.builder("widget.gateway.connection.resets")
                .description("Client connections ended by a transport error (reset by the client, broken pipe)")
                .register(registry);
        proxyProtocolRejected = Counter.builder("widget.gateway.proxy.protocol.rejected")
                .description("Connections closed without a response for a missing or invalid PROXY protocol header")
                .register(registry);
        for (LimitKind limit : LimitKind.values()) {
            rateLimited.put(limit, Counter.builder("widget.gateway.rate.limited")
                    .description("Requests refused with 429 by a rate limit, by limit")
                    .tag("limit", limit.label())
                    .register(registry));
        }
        rateLimitSyncs = rateLimitSyncCounter(registry, "success");
        rateLimitSyncFailures = rateLimitSyncCounter(registry, "failure");
        for (int statusClass = 1; statusClass <= 5; statusClass++) {
            upstreamByClass[statusClass] = Counter.builder("widget.gateway.upstream.requests")
                    .description("Proxied requests by upstream status class (502/504 when the upstream failed)")
                    .tag("status_class", statusClass + "xx")
                    .register(registry);
        }
    }

    private static Counter keyFilterCounter(MeterRegistry registry, String result) {
        return Counter.builder("widget.gateway.key.filter")
                .description("Existence-filter answers for well-formed keys not in the cache: absent (refused "
                        + "without a store read) or maybe (looked up)")
                .tag("result", result)
                .register(registry);
    }

    private static Counter reportWriteCounter(MeterRegistry registry, String result) {
        return Counter.builder("widget.gateway.report.writes")
                .description("Origin-report writes (one key's counts for one hour), by result; failed ones are retried")
                .tag("result", result)
                .register(registry);
    }

    private static Counter rateLimitSyncCounter(MeterRegistry registry, String result) {
        return Counter.builder("widget.gateway.rate.limit.syncs")
                .description("Rounds of sharing rate-limit counts with the other gateways through the store, by result")
                .tag("result", result)
                .register(registry);
    }

    private static Counter keyFilterBuildCounter(MeterRegistry registry, String result, String source) {
        return Counter.builder("widget.gateway.key.filter.builds")
                .description("Existence-filter builds, by result and by where the filter came from: the store's "
                        + "snapshot or a scan of its key index (none for a failed build)")
                .tag("result", result)
                .tag("source", source)
                .register(registry);
    }

    private static Counter keyFilterSnapshotCounter(MeterRegistry registry, String result) {
        return Counter.builder("widget.gateway.key.filter.snapshot.writes")
                .description("Writes of the existence filter's snapshot to the store, by result")
                .tag("result", result)
                .register(registry);
    }

    /**
     * Exposes the existence filter's state: whether one is trusted, its size in bytes, about how
     * many key ids it holds, and how long its last build took.
     */
    public static void trackKeyFilter(MeterRegistry registry, KeyFilterState filter) {
        Gauge.builder("widget.gateway.key.filter.trusted", filter, f -> f.isTrusted() ? 1 : 0)
                .description("1 while the existence filter is built and in use, 0 while unknown keys take the store path")
                .register(registry);
        Gauge.builder("widget.gateway.key.filter.size", filter, KeyFilterState::sizeBytes)
                .description("Heap taken by the existence filter")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("widget.gateway.key.filter.keys", filter, KeyFilterState::approximateCount)
                .description("About how many key ids the existence filter holds")
                .register(registry);
        Gauge.builder("widget.gateway.key.filter.build.duration", filter, KeyFilterState::lastBuildSeconds)
                .description("How long the last existence-filter build took, scanning the store included")
                .baseUnit("seconds")
                .register(registry);
    }

    /**
     * Exposes the rate limits' state: how many subjects are counted, how many gateways share the
     * limits, and whether this gateway is out of touch with the store (enforcing only its share).
     */
    public static void trackRateLimits(MeterRegistry registry, RateLimitState limits) {
        Gauge.builder("widget.gateway.rate.limit.subjects", limits, RateLimitState::subjects)
                .description("Rate-limit counters held (keys, keys and clients, clients' misses), about")
                .register(registry);
        Gauge.builder("widget.gateway.rate.limit.gateways", limits, RateLimitState::gateways)
                .description("Gateways sharing the rate limits, as the store last counted them")
                .register(registry);
        Gauge.builder("widget.gateway.rate.limit.degraded", limits, l -> l.degraded() ? 1 : 0)
                .description("1 while the store is out of reach and this gateway enforces only its share of each limit")
                .register(registry);
    }

    /** Exposes {@code widget_gateway_requests_in_flight} for the gateway's listener. */
    public static void trackInFlight(MeterRegistry registry, InFlightRequests inFlight) {
        Gauge.builder("widget.gateway.requests.in.flight", inFlight, InFlightRequests::inFlight)
                .description("Gateway requests read whose response is not completely written yet")
                .register(registry);
    }

    @Override
    public void request(RequestOutcome outcome, long durationNanos) {
        requests.get(outcome).increment();
        duration.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void storeRequest(StoreResult result) {
        storeRequests.get(result).increment();
    }

    @Override
    public void invalidation(long lagMillis) {
        invalidations.increment();
        invalidationLag.record(Math.max(0, lagMillis) / 1000.0);
    }

    @Override
    public void resubscribed() {
        resubscriptions.increment();
    }

    @Override
    public void changeLogRead(ChangeLogRead result) {
        changeLogReads.get(result).increment();
    }

    @Override
    public void keyFilterChecked(boolean absent) {
        (absent ? keyFilterAbsent : keyFilterMaybe).increment();
    }

    @Override
    public void keyFilterBuilt(KeyFilterSource source) {
        keyFilterBuilt.get(source).increment();
    }

    @Override
    public void keyFilterBuildFailed() {
        keyFilterBuildFailed.increment();
    }

    @Override
    public void keyFilterSnapshotSaved(boolean success) {
        (success ? keyFilterSnapshotSaved : keyFilterSnapshotFailed).increment();
    }

    @Override
    public void reportWrite(boolean success) {
        (success ? reportWritten : reportWriteFailed).increment();
    }

    @Override
    public void reportDropped(long requests) {
        reportDropped.increment(requests);
    }

    @Override
    public void upstreamResponse(int status) {
        int statusClass = status / 100;
        if (statusClass >= 1 && statusClass <= 5) {
            upstreamByClass[statusClass].increment();
        }
    }

    @Override
    public void connectionReset() {
        connectionResets.increment();
    }

    @Override
    public void proxyProtocolRejected() {
        proxyProtocolRejected.increment();
    }

    @Override
    public void rateLimited(LimitKind limit) {
        rateLimited.get(limit).increment();
    }

    @Override
    public void rateLimitSync(boolean success) {
        (success ? rateLimitSyncs : rateLimitSyncFailures).increment();
    }
}
