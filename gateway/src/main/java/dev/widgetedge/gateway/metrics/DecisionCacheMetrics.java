package dev.widgetedge.gateway.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.concurrent.TimeUnit;

/**
 * The decision cache's meters: Micrometer's Caffeine binder (gets by hit and miss, puts,
 * evictions, size), plus the load meters that binder only gives a Caffeine loading cache. The
 * gateway loads into a plain cache itself (so that it can check each answer against the
 * invalidations received), and records loads in the cache's stats; the load meters read them,
 * under the names and tags the binder would use.
 */
public final class DecisionCacheMetrics {

    private DecisionCacheMetrics() {
    }

    /** Registers the meters of {@code cache} as {@code name}_… on {@code registry}. */
    public static void monitor(MeterRegistry registry, Cache<?, ?> cache, String name) {
        CaffeineCacheMetrics.monitor(registry, cache, name);
        TimeGauge.builder("cache.load.duration", cache, TimeUnit.NANOSECONDS, c -> c.stats().totalLoadTime())
                .tags("cache", name)
                .description("The time the cache has spent loading new values")
                .register(registry);
        FunctionCounter.builder("cache.load", cache, c -> c.stats().loadSuccessCount())
                .tags("cache", name, "result", "success")
                .description("The number of times cache lookup methods have successfully loaded a new value")
                .register(registry);
        FunctionCounter.builder("cache.load", cache, c -> c.stats().loadFailureCount())
                .tags("cache", name, "result", "failure")
                .description("The number of times cache lookup methods failed to load a new value")
                .register(registry);
    }
}
