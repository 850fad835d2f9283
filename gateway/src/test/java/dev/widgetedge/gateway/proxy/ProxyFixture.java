package dev.widgetedge.gateway.proxy;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.UpstreamSettings;
import dev.widgetedge.gateway.pipeline.TestPipelines;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.InFlightRequests;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * A client-facing server on a free port with the gateway's real pipeline ({@code GatewayInitializer})
 * and a stand-in decide path that allows every request for {@link #decide decision}, in front of
 * the upstream under test, with its own event loops and upstream client.
 */
final class ProxyFixture implements AutoCloseable {

    static final UUID KEY_ID = UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e");
    static final String ACCOUNT = "acct_proxy";

    private final EventLoops loops = EventLoops.create();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final UpstreamClient upstream;
    private final HttpServer server;
    private volatile Decision.Allowed decision = new Decision.Allowed(KEY_ID, ACCOUNT, null, false);

    private ProxyFixture(GatewaySettings settings, SslContext tls) {
        upstream = tls == null ? UpstreamClient.create(settings, loops) : UpstreamClient.create(settings, loops, tls);
        InFlightRequests inFlight = new InFlightRequests();
        server = HttpServer.bind("proxy test", loops, "127.0.0.1", 0, inFlight,
                TestPipelines.allowingEveryRequest(settings, () -> decision, metrics, upstream, inFlight));
    }

    static ProxyFixture start(URI upstream) {
        return start(upstream, UpstreamSettings.DEFAULT_TIMEOUT, UpstreamSettings.DEFAULT_MAX_BODY_BYTES);
    }

    static ProxyFixture start(URI upstream, Duration upstreamTimeout, long maxBodyBytes) {
        return new ProxyFixture(settings(upstream, upstreamTimeout, maxBodyBytes), null);
    }

    /** A proxy with {@code settings} (the upstream among them). */
    static ProxyFixture start(GatewaySettings.Builder settings) {
        return new ProxyFixture(settings.build(), null);
    }

    /** A proxy whose upstream is verified with {@code tls} instead of the JDK's trust store. */
    static ProxyFixture startTrusting(URI upstream, SslContext tls) {
        return new ProxyFixture(settings(upstream, UpstreamSettings.DEFAULT_TIMEOUT,
                UpstreamSettings.DEFAULT_MAX_BODY_BYTES), tls);
    }

    int port() {
        return server.port();
    }

    RawClient connect() {
        return RawClient.connect(port());
    }

    RecordingMetrics metrics() {
        return metrics;
    }

    void decide(Decision.Allowed allowed) {
        decision = allowed;
    }

    /** The number of I/O threads, hence of upstream pools. */
    static int ioThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public void close() {
        server.stopAccepting();
        upstream.close();
        loops.close();
    }

    private static GatewaySettings settings(URI upstream, Duration upstreamTimeout, long maxBodyBytes) {
        return GatewaySettings.builder().upstream(upstream).upstreamTimeout(upstreamTimeout)
                .maxProxyBodyBytes(maxBodyBytes).build();
    }
}
