package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.client.ClientAddressResolver;
import dev.widgetedge.gateway.client.ProxyProtocolHandler;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.limit.RateLimiter;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.proxy.Proxy;
import dev.widgetedge.gateway.proxy.UpstreamClient;
import dev.widgetedge.server.AccessLog;
import dev.widgetedge.server.ConnectionErrors;
import dev.widgetedge.server.HttpInput;
import dev.widgetedge.server.IdleTimeout;
import dev.widgetedge.server.InFlightRequests;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;

/**
 * The gateway's pipeline, in the order a request meets its handlers (drawn in
 * {@code docs/architecture.md}, which a test keeps in step with {@link #initChannel}):
 *
 * <ol>
 *   <li>with {@code --proxy-protocol}, the PROXY protocol header ({@link ProxyProtocolHandler}):
 *       the connection's peer, or a close without a response;</li>
 *   <li>HTTP codec ({@link HttpInput}): request line up to 8 KiB (else 414), headers up to 16 KiB
 *       (else 431), a head within {@code --header-timeout} (else 408), a body that keeps coming
 *       (else 408), pipelined requests decoded no further than a bounded queue ahead of the
 *       answers;</li>
 *   <li>keep-alive, in-flight tracking (for drain), idle timeout;</li>
 *   <li>flow control ({@link FlowControlHandler}): one decoded message per read;</li>
 *   <li>{@link ExchangeHandler}: the request lifecycle, one exchange at a time, and the only
 *       handler that asks for reads (automatic reading is off): route, decision, the answering
 *       responders or the proxy, and the {@link ResponseDecorator} on every response;</li>
 *   <li>{@link ConnectionErrors}: whatever fails closes the connection, counted, never logged per
 *       connection.</li>
 * </ol>
 */
public final class GatewayInitializer extends ChannelInitializer<Channel> {

    static final int MAX_INITIAL_LINE = 8 * 1024;
    static final int MAX_HEADER_SIZE = 16 * 1024;
    static final int MAX_CHUNK_SIZE = 16 * 1024;

    private final GatewaySettings settings;
    private final InFlightRequests inFlight;
    private final GatewayMetrics metrics;
    private final GatewayParts parts;
    private final ConnectionErrors errors;

    /**
     * @param upstream the proxy's upstream, or {@code null} when none is configured
     */
    public GatewayInitializer(GatewaySettings settings, KeyDecider decider, GatewayMetrics metrics,
            UpstreamClient upstream, InFlightRequests inFlight, RateLimiter limits) {
        this(settings, Decisions.of(decider), metrics, upstream, inFlight, AccessLog.shared(), limits);
    }

    GatewayInitializer(GatewaySettings settings, Decisions decisions, GatewayMetrics metrics,
            UpstreamClient upstream, InFlightRequests inFlight, AccessLog accessLog, RateLimiter limits) {
        this.settings = settings;
        this.inFlight = inFlight;
        this.metrics = metrics;
        this.parts = new GatewayParts(new ClientAddressResolver(settings.clientAddress().trustedProxies()), limits,
                decisions, new ScriptResponder(WidgetScript.load()), new BootstrapResponder(),
                new PreflightResponder(), new ResponseDecorator(metrics, accessLog),
                upstream == null ? null : new Proxy(upstream, metrics), settings.upstream().maxBodyBytes());
        this.errors = new ConnectionErrors("gateway", metrics::connectionReset);
    }

    @Override
    protected void initChannel(Channel channel) {
        // Reading is on demand, asked for by the exchange handler alone.
        channel.config().setAutoRead(false);
        ChannelPipeline pipeline = channel.pipeline();
        HttpInput.install(pipeline, new HttpDecoderConfig().setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE).setMaxChunkSize(MAX_CHUNK_SIZE),
                settings.connections().headerTimeout());
        pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
        pipeline.addLast("in-flight", inFlight.newTracker());
        pipeline.addLast("idle", new IdleTimeout(settings.connections().idleTimeout()));
        pipeline.addLast("flow-control", new FlowControlHandler());
        pipeline.addLast("exchange", new ExchangeHandler(parts));
        pipeline.addLast("errors", errors);
        // In front of everything: no byte of a connection without a valid header is read as HTTP.
        ProxyProtocolHandler.install(pipeline, settings.clientAddress().proxyProtocol(),
                settings.connections().headerTimeout(), metrics::proxyProtocolRejected);
    }
}
