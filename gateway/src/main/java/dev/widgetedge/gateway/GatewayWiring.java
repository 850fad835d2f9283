package dev.widgetedge.gateway;

import dev.widgetedge.core.store.Subscription;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.gateway.decide.ChangeLogFollower;
import dev.widgetedge.gateway.decide.CoarseTicker;
import dev.widgetedge.gateway.decide.ExistenceFilter;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.metrics.DecisionCacheMetrics;
import dev.widgetedge.gateway.limit.RateLimiter;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.MicrometerGatewayMetrics;
import dev.widgetedge.gateway.pipeline.GatewayInitializer;
import dev.widgetedge.gateway.proxy.UpstreamClient;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.InFlightRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything behind the gateway's listener, wired from one store and one settings record: the
 * decide path and its metrics, the existence filter, the invalidation subscription, the usage and
 * origin report write-back, the rate limits (shared through the store when it offers
 * {@code rateCounts()}, else counted in this process alone), the upstream client, and the channel
 * initializer that puts them in front of each connection.
 * {@link Gateway#start} binds this initializer to a port; the pipeline benchmark drives the same
 * initializer on an embedded channel, so that what it measures cannot drift from what runs.
 */
public final class GatewayWiring {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayWiring.class);

    private final KeyDecider decider;
    private final ExistenceFilter existence;
    private final UsageRecorder usage;
    private final TrafficRecorder traffic;
    private final Subscription subscription;
    private final ChangeLogFollower changeLog;
    private final UpstreamClient upstream;
    private final CoarseTicker ticker;
    private final ExecutorService cacheUpkeep;
    private final InFlightRequests inFlight;
    private final RateLimiter limits;
    private final GatewayInitializer initializer;

    private GatewayWiring(KeyDecider decider, ExistenceFilter existence, UsageRecorder usage, TrafficRecorder traffic,
            Subscription subscription, ChangeLogFollower changeLog, UpstreamClient upstream, CoarseTicker ticker,
            ExecutorService cacheUpkeep, InFlightRequests inFlight, RateLimiter limits,
            GatewayInitializer initializer) {
        this.decider = decider;
        this.existence = existence;
        this.usage = usage;
        this.traffic = traffic;
        this.subscription = subscription;
        this.changeLog = changeLog;
        this.upstream = upstream;
        this.ticker = ticker;
        this.cacheUpkeep = cacheUpkeep;
        this.inFlight = inFlight;
        this.limits = limits;
        this.initializer = initializer;
    }

    /**
     * Starts the parts and subscribes to invalidations; registers the gateway's meters on
     * {@code registry}. The caller {@linkplain #close closes} it.
     *
     * @param loops the event loops the upstream client connects on
     */
    public static GatewayWiring start(EventLoops loops, GatewaySettings settings, WidgetKeyStore store,
            MeterRegistry registry, Clock clock) {
        GatewayMetrics metrics = new MicrometerGatewayMetrics(registry);
        CoarseTicker ticker = CoarseTicker.start();
        UsageRecorder usage = UsageRecorder.start(store, settings.usageFlush(), clock, ticker);
        TrafficRecorder traffic = TrafficRecorder.start(store, settings.reportFlush(), settings.cache().maxKeys(), ticker,
                metrics);
        ExistenceFilter existence = ExistenceFilter.start(store, metrics, settings.cache().keyFilterRebuild());
        MicrometerGatewayMetrics.trackKeyFilter(registry, existence);
        // The caches' upkeep (eviction, expiry) runs on a thread of its own, never on a store or I/O
        // thread, where it would hold up other misses' answers. Hits do not touch the caches at all
        // (see KeyDecider), so handing upkeep over costs them nothing.
        ExecutorService cacheUpkeep = Executors.newSingleThreadExecutor(
                new DefaultThreadFactory("cache-upkeep", true));
        KeyDecider decider = new KeyDecider(store, settings, usage, traffic, metrics, existence, ticker, clock,
                cacheUpkeep);
        DecisionCacheMetrics.monitor(registry, decider.cache(), "widget_gateway_keys");
        DecisionCacheMetrics.monitor(registry, decider.negativeCache(), "widget_gateway_unknown_keys");
        Subscription subscription = store.subscribe(decider);
        decider.useSubscription(subscription);
        ChangeLogFollower changeLog = ChangeLogFollower.start(store, decider, ticker, metrics);
        UpstreamClient upstream = settings.upstream().uri() == null ? null : UpstreamClient.create(settings, loops);
        InFlightRequests inFlight = new InFlightRequests();
        MicrometerGatewayMetrics.trackInFlight(registry, inFlight);
        RateLimiter limits = store.rateCounts()
                .map(counts -> RateLimiter.shared(settings.rateLimits(), counts, settings.storeTimeout(), ticker,
                        cacheUpkeep, metrics))
                .orElseGet(() -> RateLimiter.local(settings.rateLimits(), ticker, cacheUpkeep, metrics));
        MicrometerGatewayMetrics.trackRateLimits(registry, limits);
        GatewayInitializer initializer = new GatewayInitializer(settings, decider, metrics, upstream, inFlight, limits);
        return new GatewayWiring(decider, existence, usage, traffic, subscription, changeLog, upstream, ticker,
                cacheUpkeep, inFlight, limits, initializer);
    }

    /** The per-connection pipeline, to bind to a listener (or to an embedded channel). */
    public GatewayInitializer initializer() {
        return initializer;
    }

    /** The requests in flight, which the listener's drain waits for. */
    public InFlightRequests inFlight() {
        return inFlight;
    }

    /** The decide path. */
    public KeyDecider decider() {
        return decider;
    }

    /** The existence filter of stored key ids. */
    public ExistenceFilter existenceFilter() {
        return existence;
    }

    /** The usage recorder. */
    public UsageRecorder usage() {
        return usage;
    }

    /** The origin report's counters. */
    public TrafficRecorder traffic() {
        return traffic;
    }

    /** The rate limits. */
    public RateLimiter rateLimits() {
        return limits;
    }

    /**
     * Unsubscribes, writes pending usage marks and origin report counts (up to {@code timeout}
     * each), closes upstream connections.
     */
    public void close(Duration timeout) {
        try {
            subscription.close();
        } catch (RuntimeException e) {
            LOG.warn("error while unsubscribing: {}", e.toString());
        }
        changeLog.close();
        existence.close();
        usage.close(timeout);
        traffic.close(timeout);
        limits.close();
        if (upstream != null) {
            upstream.close();
        }
        cacheUpkeep.shutdownNow();
        ticker.close();
    }
}
