package dev.widgetedge.gateway;

import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.metrics.DecisionCacheMetrics;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.MicrometerGatewayMetrics;
import dev.widgetedge.gateway.pipeline.GatewayInitializer;
import dev.widgetedge.gateway.proxy.UpstreamClient;
import dev.widgetedge.gateway.usage.UsageRecorder;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.InFlightRequests;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: its listener, decide path, invalidation subscription, usage write-back and
 * upstream client, wired from one store and one settings record. {@link #close} stops the parts
 * that are not the listener (drain the {@link #server()} first).
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final HttpServer server;
    private final KeyDecider decider;
    private final UsageRecorder usage;
    private final AutoCloseable subscription;
    private final UpstreamClient upstream;
    private final CoarseTicker ticker;

    private Gateway(HttpServer server, KeyDecider decider, UsageRecorder usage, AutoCloseable subscription,
            UpstreamClient upstream, CoarseTicker ticker) {
        this.server = server;
        this.decider = decider;
        this.usage = usage;
        this.subscription = subscription;
        this.upstream = upstream;
        this.ticker = ticker;
    }

    /** Subscribes to invalidations, then binds {@code host:port} (0 = any free port). */
    public static Gateway start(EventLoops loops, String host, int port, GatewaySettings settings,
            WidgetKeyStore store, MeterRegistry registry, Clock clock) {
        GatewayMetrics metrics = new MicrometerGatewayMetrics(registry);
        CoarseTicker ticker = CoarseTicker.start();
        UsageRecorder usage = UsageRecorder.start(store, settings.usageFlush(), clock, ticker);
        // Caffeine's upkeep (draining its read buffer, evicting) runs on the calling I/O thread: it is
        // short and amortized, and handing it to a pool costs a cross-thread wake-up (a futex call)
        // every few hundred reads, which measured as a large share of a cache hit's cost.
        KeyDecider decider = new KeyDecider(store, settings, usage, metrics, ticker, clock, Runnable::run);
        DecisionCacheMetrics.monitor(registry, decider.cache(), "widget_gateway_keys");
        AutoCloseable subscription = store.subscribe(decider);
        UpstreamClient upstream = settings.upstream().uri() == null ? null : UpstreamClient.create(settings, loops);
        InFlightRequests inFlight = new InFlightRequests();
        MicrometerGatewayMetrics.trackInFlight(registry, inFlight);
        HttpServer server = HttpServer.bind("gateway", loops, host, port, inFlight,
                new GatewayInitializer(settings, decider, metrics, upstream, inFlight));
        return new Gateway(server, decider, usage, subscription, upstream, ticker);
    }

    public HttpServer server() {
        return server;
    }

    /** The decide path, for tests and benchmarks. */
    public KeyDecider decider() {
        return decider;
    }

    /** The usage recorder, for tests. */
    public UsageRecorder usage() {
        return usage;
    }

    /** Unsubscribes, writes pending usage marks (up to {@code timeout}), closes upstream connections. */
    public void close(Duration timeout) {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.warn("error while unsubscribing: {}", e.toString());
        }
        usage.close(timeout);
        if (upstream != null) {
            upstream.close();
        }
        ticker.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
