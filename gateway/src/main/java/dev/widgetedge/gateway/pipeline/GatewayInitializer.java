package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.proxy.ProxyHandler;
import dev.widgetedge.gateway.proxy.UpstreamClient;
import dev.widgetedge.server.ConnectionErrors;
import dev.widgetedge.server.HttpInput;
import dev.widgetedge.server.IdleTimeout;
import dev.widgetedge.server.InFlightRequests;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * The gateway's pipeline, one handler per concern, in the order a request meets them (drawn in
 * {@code docs/architecture.md}, which a test keeps in step with {@link #initChannel}):
 *
 * <ol>
 *   <li>HTTP codec ({@link HttpInput}): request line up to 8 KiB (else 414), headers up to 16 KiB
 *       (else 431), a head within {@code --header-timeout} (else 408), pipelined requests decoded
 *       no further than a bounded queue ahead of the answers;</li>
 *   <li>keep-alive, in-flight tracking (for drain), idle timeout;</li>
 *   <li>outbound only: access log, request metrics, CORS and caching headers. A response travels
 *       from the tail to the head, so it passes them in the reverse order: CORS headers first,
 *       then the metrics and the access log, which therefore see the final headers;</li>
 *   <li>{@link RequestRouter}: one exchange at a time, 400 for malformed requests, 404 for unknown paths;</li>
 *   <li>{@link WidgetScriptHandler}: {@code /v1/widget.js};</li>
 *   <li>{@link DecisionHandler}: key and origin, denials answered here;</li>
 *   <li>{@link PreflightHandler}: {@code OPTIONS};</li>
 *   <li>{@link BootstrapHandler}: {@code GET /v1/widget/bootstrap};</li>
 *   <li>{@link ProxyHandler} to the upstream (or {@link NoUpstreamHandler}: 404);</li>
 *   <li>{@link ConnectionErrors}: a failed connection is closed and counted, never logged per connection.</li>
 * </ol>
 */
public final class GatewayInitializer extends ChannelInitializer<Channel> {

    static final int MAX_INITIAL_LINE = 8 * 1024;
    static final int MAX_HEADER_SIZE = 16 * 1024;
    static final int MAX_CHUNK_SIZE = 16 * 1024;

    private final GatewaySettings settings;
    private final KeyDecider decider;
    private final GatewayMetrics metrics;
    private final UpstreamClient upstream;
    private final InFlightRequests inFlight;
    private final RequestMetricsRecorder requestMetrics;
    private final AccessLogWriter accessLog = new AccessLogWriter();
    private final CorsResponseHeaders corsHeaders = new CorsResponseHeaders();
    private final WidgetScriptHandler script = new WidgetScriptHandler(WidgetScript.load());
    private final PreflightHandler preflight = new PreflightHandler();
    private final BootstrapHandler bootstrap = new BootstrapHandler();
    private final NoUpstreamHandler noUpstream = new NoUpstreamHandler();
    private final ConnectionErrors errors;

    /**
     * @param upstream the proxy's upstream, or {@code null} when none is configured
     */
    public GatewayInitializer(GatewaySettings settings, KeyDecider decider, GatewayMetrics metrics,
            UpstreamClient upstream, InFlightRequests inFlight) {
        this.settings = settings;
        this.decider = decider;
        this.metrics = metrics;
        this.upstream = upstream;
        this.inFlight = inFlight;
        this.requestMetrics = new RequestMetricsRecorder(metrics);
        this.errors = new ConnectionErrors("gateway", metrics::connectionReset);
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        HttpInput.install(pipeline, new HttpDecoderConfig().setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE).setMaxChunkSize(MAX_CHUNK_SIZE),
                settings.connections().headerTimeout());
        pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
        pipeline.addLast("in-flight", inFlight.newTracker());
        pipeline.addLast("idle", new IdleTimeout(settings.connections().idleTimeout()));
        pipeline.addLast("access-log", accessLog);
        pipeline.addLast("request-metrics", requestMetrics);
        pipeline.addLast("cors-headers", corsHeaders);
        pipeline.addLast("router", new RequestRouter());
        pipeline.addLast("script", script);
        pipeline.addLast("decision", new DecisionHandler(decider));
        pipeline.addLast("preflight", preflight);
        pipeline.addLast("bootstrap", bootstrap);
        pipeline.addLast("proxy", upstream == null ? noUpstream : new ProxyHandler(upstream, metrics));
        pipeline.addLast("errors", errors);
    }
}
