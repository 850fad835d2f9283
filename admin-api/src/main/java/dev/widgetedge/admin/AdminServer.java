package dev.widgetedge.admin;

import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.token.AdminTokenStore;
import dev.widgetedge.server.ConnectionErrors;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpInput;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.IdleTimeout;
import dev.widgetedge.server.InFlightRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.time.Clock;
import java.time.Duration;

/**
 * Starts the admin API. The pipeline, in request order: HTTP codec ({@link HttpInput}: request line
 * and header limits, a head within the header timeout, bounded pipelining), keep-alive, in-flight tracking (for drain), idle timeout, the 64 KiB body limit,
 * the {@link AdminHandler}, and {@link ConnectionErrors} (failed connections counted, not logged).
 */
public final class AdminServer {

    private static final int MAX_INITIAL_LINE = 8 * 1024;
    private static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final Duration IDLE = Duration.ofSeconds(60);

    private AdminServer() {
    }

    /**
     * Binds the admin API on {@code host:port} (0 = any free port).
     *
     * @param headerTimeout how long a client may take to send a request head once started (408 after)
     * @param auditLimits   how long the audit log keeps events; the store trims to the same limits
     */
    public static HttpServer start(EventLoops loops, String host, int port, WidgetKeyStore keys,
            AdminTokenStore tokens, MeterRegistry registry, Clock clock, Duration headerTimeout,
            AuditLimits auditLimits) {
        AdminMetrics metrics = new AdminMetrics(registry);
        AdminHandler handler = new AdminHandler(new Authenticator(tokens), new KeyEndpoints(keys, clock, auditLimits),
                metrics, OpenApiDocument.load());
        InFlightRequests inFlight = new InFlightRequests();
        metrics.trackInFlight(inFlight);
        ConnectionErrors errors = new ConnectionErrors("admin API", metrics::connectionReset);
        return HttpServer.bind("admin API", loops, host, port, inFlight, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                HttpInput.install(channel.pipeline(), new HttpDecoderConfig().setMaxInitialLineLength(MAX_INITIAL_LINE)
                        .setMaxHeaderSize(MAX_HEADER_SIZE), headerTimeout);
                channel.pipeline()
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(inFlight.newTracker())
                        .addLast(new IdleTimeout(IDLE))
                        .addLast(new BodyLimit(metrics))
                        .addLast(handler)
                        .addLast(errors);
            }
        });
    }
}
