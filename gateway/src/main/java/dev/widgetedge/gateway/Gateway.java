package dev.widgetedge.gateway;

import dev.widgetedge.core.store.Subscription;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.decide.ExistenceFilter;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    private final ExistenceFilter existence;
    private final UsageRecorder usage;
    private final Subscription subscription;
    private final UpstreamClient upstream;
    private final CoarseTicker ticker;
    private final ExecutorService cacheUpkeep;

    private Gateway(HttpServer server, KeyDecider decider, ExistenceFilter existence, UsageRecorder usage,
            Subscription subscription, UpstreamClient upstream, CoarseTicker ticker, ExecutorService cacheUpkeep) {
        this.server = server;
        this.decider = decider;
        this.existence = existence;
        this.usage = usage;
        this.subscription = subscription;
        this.upstream = upstream;
        this.ticker = ticker;
        this.cacheUpkeep = cacheUpkeep;
    }

    /** Subscribes to invalidations, then binds {@code host:port} (0 = any free port). */
    public static Gateway start(EventLoops loops, String host, int port, GatewaySettings settings,
            WidgetKeyStore store, MeterRegistry registry, Clock clock) {
        GatewayMetrics metrics = new MicrometerGatewayMetrics(registry);
        CoarseTicker ticker = CoarseTicker.start();
        UsageRecorder usage = UsageRecorder.start(store, settings.usageFlush(), clock, ticker);
        ExistenceFilter existence = ExistenceFilter.start(store, metrics, settings.cache().keyFilterRebuild());
        MicrometerGatewayMetrics.trackKeyFilter(registry, existence);
        // The caches' upkeep (eviction, expiry) runs on a thread of its own, never on a store or I/O
        // thread, where it would hold up other misses' answers. Hits do not touch the caches at all
        // (see KeyDecider), so handing upkeep over costs them nothing.
        ExecutorService cacheUpkeep = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cache-upkeep");
            thread.setDaemon(true);
            return thread;
        });
        KeyDecider decider = new KeyDecider(store, settings, usage, metrics, existence, ticker, clock, cacheUpkeep);
        DecisionCacheMetrics.monitor(registry, decider.cache(), "widget_gateway_keys");
        DecisionCacheMetrics.monitor(registry, decider.negativeCache(), "widget_gateway_unknown_keys");
        Subscription subscription = store.subscribe(decider);
        decider.useSubscription(subscription);
        UpstreamClient upstream = settings.upstream().uri() == null ? null : UpstreamClient.create(settings, loops);
        InFlightRequests inFlight = new InFlightRequests();
        MicrometerGatewayMetrics.trackInFlight(registry, inFlight);
        HttpServer server = HttpServer.bind("gateway", loops, host, port, inFlight,
                new GatewayInitializer(settings, decider, metrics, upstream, inFlight));
        return new Gateway(server, decider, existence, usage, subscription, upstream, ticker, cacheUpkeep);
    }

    public HttpServer server() {
        return server;
    }

    /** The decide path, for tests and benchmarks. */
    public KeyDecider decider() {
        return decider;
    }

    /** The existence filter, for tests. */
    public ExistenceFilter existenceFilter() {
        return existence;
    }

    /** The usage recorder, for tests. */
    public UsageRecorder usage() {
        return usage;
    }

    /** Unsubscribes, writes pending usage marks (up to {@code timeout}), closes upstream connections. */
    public void close(Duration timeout) {
        try {
            subscription.close();
        } catch (RuntimeException e) {
            LOG.warn("error while unsubscribing: {}", e.toString());
        }
        existence.close();
        usage.close(timeout);
        if (upstream != null) {
            upstream.close();
        }
        cacheUpkeep.shutdownNow();
        ticker.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
