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
 * The gateway's meters (SPEC §6), all created here, once: names and descriptions live in this
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
    private final Counter[] upstreamByClass = new Counter[6];

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
        for (int statusClass = 1; statusClass <= 5; statusClass++) {
            upstreamByClass[statusClass] = Counter.builder("widget.gateway.upstream.requests")
                    .description("Proxied requests by upstream status class (502/504 when the upstream failed)")
                    .tag("status_class", statusClass + "xx")
                    .register(registry);
        }
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
    public void upstreamResponse(int status) {
        int statusClass = status / 100;
        if (statusClass >= 1 && statusClass <= 5) {
            upstreamByClass[statusClass].increment();
        }
    }
}
