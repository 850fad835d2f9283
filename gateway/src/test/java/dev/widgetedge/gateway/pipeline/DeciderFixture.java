package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.decide.ControllableStore;
import dev.widgetedge.gateway.decide.FakeTicker;
import dev.widgetedge.gateway.decide.ExistenceFilter;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.decide.ManualScheduler;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.report.TrafficRecorder;
import dev.widgetedge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A real {@link KeyDecider} on an in-memory store the test controls, with a hand-moved ticker and
 * loads run on the calling thread: decisions are deterministic and need no network.
 */
final class DeciderFixture {

    static final String ACCOUNT = "acct_123";
    static final String AGENT = "agent_1";
    static final Instant NOW = Instant.parse("2026-11-24T05:51:00Z");

    final ControllableStore store = new ControllableStore();
    final FakeTicker ticker = new FakeTicker(NOW);
    final GatewaySettings settings = GatewaySettings.defaults();
    final KeyDecider decider;
    final TrafficRecorder traffic;

    DeciderFixture() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        UsageRecorder usage = UsageRecorder.manual(store, settings.usageFlush(), clock, ticker);
        // The existence filter is never built here: unknown keys take the store path, as a
        // gateway's do until its filter is trusted.
        ExistenceFilter existence = new ExistenceFilter(store, GatewayMetrics.noop(),
                settings.cache().keyFilterRebuild(), new ManualScheduler());
        traffic = TrafficRecorder.manual(store, settings.cache().maxKeys(), ticker, GatewayMetrics.noop());
        decider = new KeyDecider(store, settings, usage, traffic, GatewayMetrics.noop(), existence, ticker, clock,
                Runnable::run);
        store.subscribe(decider);
    }

    /** A new enabled key, pinned to {@link #AGENT}, allowing {@code allowlist}. */
    String createKey(String... allowlist) {
        return createKeyForAgent(AGENT, allowlist);
    }

    /** A new enabled key with {@code agentId} (may be {@code null}), allowing {@code allowlist}. */
    String createKeyForAgent(String agentId, String... allowlist) {
        String key = WidgetKeyFormat.mint();
        WidgetKey widgetKey = WidgetKey.created(KeyDigest.keyId(key), ACCOUNT, WidgetKeyFormat.last8(key),
                KeySettings.of("test key", agentId, List.of(allowlist)), NOW, null);
        store.insert(widgetKey, KeyDigest.sha256Hex(key), NOW, null).toCompletableFuture().join();
        return key;
    }

    /** A new enabled key with its own rate {@code limits}, allowing {@code allowlist}. */
    String createKeyWithLimits(RateLimits limits, String... allowlist) {
        String key = WidgetKeyFormat.mint();
        WidgetKey widgetKey = WidgetKey.created(KeyDigest.keyId(key), ACCOUNT, WidgetKeyFormat.last8(key),
                KeySettings.of("test key", AGENT, List.of(allowlist)).withRateLimits(limits), NOW, null);
        store.insert(widgetKey, KeyDigest.sha256Hex(key), NOW, null).toCompletableFuture().join();
        return key;
    }

    /** Changes {@code key} as a PATCH would (its invalidation reaches the decider at once). */
    void change(String key, WidgetKeyChanges changes) {
        StoredWidgetKey current = store.findById(KeyDigest.keyId(key)).toCompletableFuture().join().orElseThrow();
        store.replace(current, current.key().apply(changes, NOW), NOW, null).toCompletableFuture().join();
    }

    /** A well-formed key the store does not have. */
    String unknownKey() {
        return WidgetKeyFormat.mint();
    }

    void disable(String key) {
        change(key, WidgetKeyChanges.DISABLE);
    }

    /** Loads {@code key} into the cache, so that the next decision for it needs no store read. */
    Decision warm(String key, String origin) {
        return decider.decide(key, origin).toCompletableFuture().join();
    }
}
