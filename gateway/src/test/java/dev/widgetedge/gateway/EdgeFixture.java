package dev.widgetedge.gateway;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.gateway.proxy.RawClient;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One gateway as production wires it ({@link Gateway#start}, so the real {@code GatewayInitializer}
 * pipeline), on the embedded store, in front of a {@link RawUpstream} that records every byte it
 * is sent. For tests at byte level: raw requests in, raw responses and raw upstream requests out.
 */
final class EdgeFixture implements AutoCloseable {

    static final String ACCOUNT = "acct_edge";
    static final String ORIGIN = "https://acme.com";

    private final EventLoops loops = EventLoops.create();
    private final WidgetKeyStore store;
    private final PrometheusMeterRegistry registry = Metrics.newRegistry();
    private final RawUpstream upstream;
    private final Gateway gateway;

    private EdgeFixture(GatewaySettings.Builder settings, boolean withUpstream, WidgetKeyStore store) {
        this.store = store;
        upstream = withUpstream ? RawUpstream.start() : null;
        if (upstream != null) {
            settings.upstream(upstream.uri());
        }
        gateway = Gateway.start(loops, "127.0.0.1", 0, settings.build(), store, registry, Clock.systemUTC());
    }

    /** A gateway with {@code settings} in front of a recording upstream. */
    static EdgeFixture start(GatewaySettings.Builder settings) {
        return new EdgeFixture(settings, true, new InMemoryWidgetKeyStore());
    }

    /** A gateway with {@code settings} on {@code store} (an in-memory one the test controls), in front of a recording upstream. */
    static EdgeFixture start(GatewaySettings.Builder settings, WidgetKeyStore store) {
        return new EdgeFixture(settings, true, store);
    }

    /** A gateway with {@code settings} and no {@code --upstream}. */
    static EdgeFixture startWithoutUpstream(GatewaySettings.Builder settings) {
        return new EdgeFixture(settings, false, new InMemoryWidgetKeyStore());
    }

    /** A new enabled key allowing {@link #ORIGIN}; returns its plaintext. */
    String createKey() {
        String key = WidgetKeyFormat.mint();
        Instant now = Instant.now();
        UUID id = KeyDigest.keyId(key);
        WidgetKey widgetKey = WidgetKey.created(id, ACCOUNT, WidgetKeyFormat.last8(key), KeySettings.of("edge test", "agent_edge", List.of(ORIGIN)), now, null);
        store.insert(widgetKey, KeyDigest.sha256Hex(key), now, null).toCompletableFuture().join();
        return key;
    }

    RawClient connect() {
        return RawClient.connect(gateway.server().port());
    }

    int port() {
        return gateway.server().port();
    }

    /** What the upstream received, as raw text, in arrival order. */
    List<String> upstreamReceived() {
        return upstream.received();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gateway.server().stopAccepting();
        try {
            gateway.server().awaitDrained(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gateway.close();
        loops.close();
        if (upstream != null) {
            try {
                upstream.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
