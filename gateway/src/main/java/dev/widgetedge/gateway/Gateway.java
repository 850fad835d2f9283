package dev.widgetedge.gateway;

import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.decide.ExistenceFilter;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.limit.RateLimiter;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * A running gateway: its listener in front of the {@link GatewayWiring} (decide path, existence
 * filter, invalidation subscription, usage and origin report write-back, upstream client), wired
 * from one store and one settings record. {@link #close} stops the parts that are not the listener (drain the
 * {@link #server()} first).
 */
public final class Gateway implements AutoCloseable {

    private final HttpServer server;
    private final GatewayWiring wiring;

    private Gateway(HttpServer server, GatewayWiring wiring) {
        this.server = server;
        this.wiring = wiring;
    }

    /** Subscribes to invalidations, then binds {@code host:port} (0 = any free port). */
    public static Gateway start(EventLoops loops, String host, int port, GatewaySettings settings,
            WidgetKeyStore store, MeterRegistry registry, Clock clock) {
        GatewayWiring wiring = GatewayWiring.start(loops, settings, store, registry, clock);
        try {
            return new Gateway(HttpServer.bind("gateway", loops, host, port, wiring.inFlight(), wiring.initializer()),
                    wiring);
        } catch (RuntimeException e) {
            wiring.close(Duration.ZERO);
            throw e;
        }
    }

    public HttpServer server() {
        return server;
    }

    /** The decide path, for tests and benchmarks. */
    public KeyDecider decider() {
        return wiring.decider();
    }

    /** The existence filter, for tests. */
    public ExistenceFilter existenceFilter() {
        return wiring.existenceFilter();
    }

    /** The usage recorder, for tests. */
    public UsageRecorder usage() {
        return wiring.usage();
    }

    /** The origin report's counters (which {@code dev} flushes before its admin API reads a report). */
    public TrafficRecorder traffic() {
        return wiring.traffic();
    }

    /** The rate limits, for tests. */
    public RateLimiter rateLimits() {
        return wiring.rateLimits();
    }

    /**
     * Unsubscribes, writes pending usage marks and origin report counts (up to {@code timeout}
     * each), closes upstream connections.
     */
    public void close(Duration timeout) {
        wiring.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
