package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.Decision;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.limit.RateLimiter;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.proxy.UpstreamClient;
import dev.widgetedge.server.AccessLog;
import dev.widgetedge.server.InFlightRequests;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The real {@link GatewayInitializer} with a stand-in decide path, for tests of what comes after
 * the decision (the proxy) that do not want keys and a store: every request is allowed.
 */
public final class TestPipelines {

    private TestPipelines() {
    }

    /** The gateway's pipeline, in which every request that needs a decision is allowed as {@code decision} says. */
    public static GatewayInitializer allowingEveryRequest(GatewaySettings settings, Supplier<Decision.Allowed> decision,
            GatewayMetrics metrics, UpstreamClient upstream, InFlightRequests inFlight) {
        Decisions allowAll = new Decisions() {
            @Override
            public Decision decideCached(String key, CharSequence origin) {
                return decision.get();
            }

            @Override
            public CompletionStage<Decision> decide(String key, CharSequence origin) {
                return CompletableFuture.completedFuture(decision.get());
            }

            @Override
            public void rateLimited(Decision.Allowed allowed, CharSequence origin) {
            }
        };
        return new GatewayInitializer(settings, allowAll, metrics, upstream, inFlight, AccessLog.shared(),
                localLimits(settings, metrics));
    }

    /** Rate limits counted in this process alone, as {@code dev} counts them. */
    static RateLimiter localLimits(GatewaySettings settings, GatewayMetrics metrics) {
        return RateLimiter.local(settings.rateLimits(), Ticker.systemTicker(), Runnable::run, metrics);
    }
}
