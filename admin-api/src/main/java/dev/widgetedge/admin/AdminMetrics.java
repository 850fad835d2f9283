package dev.widgetedge.admin;

import dev.widgetedge.server.InFlightRequests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The admin API's meters: {@code widget_admin_requests_total{route,method,status}} and the
 * {@code widget_admin_request_duration_seconds{route,method,status}} histogram, the
 * {@code widget_admin_requests_in_flight} gauge and {@code widget_admin_connection_resets_total}. Labels come from
 * small fixed sets (route templates, known methods, status codes), so the meters are created once
 * per combination and reused.
 */
final class AdminMetrics {

    static final String REQUESTS = "widget.admin.requests";
    static final String DURATION = "widget.admin.request.duration";
    static final String IN_FLIGHT = "widget.admin.requests.in.flight";
    static final String CONNECTION_RESETS = "widget.admin.connection.resets";

    /** Histogram buckets: a few per decade from 1 ms to the 2 s default store timeout and past it. */
    private static final Duration[] BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private record Labels(AdminRoute route, String method, int status) {
    }

    private record Meters(Counter requests, Timer duration) {
    }

    private final MeterRegistry registry;
    private final Map<Labels, Meters> meters = new ConcurrentHashMap<>();
    private final Counter connectionResets;

    AdminMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.connectionResets = Counter.builder(CONNECTION_RESETS)
                .description("Admin API connections ended by a transport error (reset by the client, broken pipe)")
                .register(registry);
    }

    /** Counts one connection ended by a transport error. */
    void connectionReset() {
        connectionResets.increment();
    }

    /** Exposes {@code widget_admin_requests_in_flight}: requests read but not yet answered. */
    void trackInFlight(InFlightRequests inFlight) {
        Gauge.builder(IN_FLIGHT, inFlight, InFlightRequests::inFlight)
                .description("Admin API requests read whose response is not completely written yet")
                .register(registry);
    }

    /** Records one answered request that took {@code nanos}. */
    void record(AdminRoute route, String method, int status, long nanos) {
        String methodLabel = KNOWN_METHODS.contains(method) ? method : "OTHER";
        Meters forLabels = meters.computeIfAbsent(new Labels(route, methodLabel, status), this::register);
        forLabels.requests().increment();
        forLabels.duration().record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Meters register(Labels labels) {
        String status = Integer.toString(labels.status());
        Counter requests = Counter.builder(REQUESTS)
                .description("Admin API requests answered, by route template, method and status")
                .tag("route", labels.route().template())
                .tag("method", labels.method())
                .tag("status", status)
                .register(registry);
        Timer duration = Timer.builder(DURATION)
                .description("Time from reading an admin API request to writing its response")
                .tag("route", labels.route().template())
                .tag("method", labels.method())
                .tag("status", status)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        return new Meters(requests, duration);
    }
}
