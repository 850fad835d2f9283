package dev.widgetedge.admin;

import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.token.AdminTokenStore;
import dev.widgetedge.server.ConnectionErrors;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.IdleTimeout;
import dev.widgetedge.server.InFlightRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.time.Clock;
import java.time.Duration;

/**
 * Starts the admin API. The pipeline, in request order: HTTP codec (request line and header
 * limits), keep-alive, in-flight tracking (for drain), idle timeout, the 64 KiB body limit,
 * the {@link AdminHandler}, and {@link ConnectionErrors} (failed connections counted, not logged).
 */
public final class AdminServer {

    private static final int MAX_INITIAL_LINE = 8 * 1024;
    private static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final Duration IDLE = Duration.ofSeconds(60);

    private AdminServer() {
    }

    /** Binds the admin API on {@code host:port} (0 = any free port). */
    public static HttpServer start(EventLoops loops, String host, int port, WidgetKeyStore keys,
            AdminTokenStore tokens, MeterRegistry registry, Clock clock) {
        AdminMetrics metrics = new AdminMetrics(registry);
        AdminHandler handler = new AdminHandler(new Authenticator(tokens), new WidgetKeyService(keys, clock),
                metrics, OpenApiDocument.load());
        InFlightRequests inFlight = new InFlightRequests();
        metrics.trackInFlight(inFlight);
        ConnectionErrors errors = new ConnectionErrors("admin API", metrics::connectionReset);
        return HttpServer.bind("admin API", loops, host, port, inFlight, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline()
                        .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
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
