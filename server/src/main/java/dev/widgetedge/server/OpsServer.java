package dev.widgetedge.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/** Starts the ops port's server. */
public final class OpsServer {

    /** Ops requests have no body worth reading; anything larger is refused. */
    private static final int MAX_BODY = 4096;

    private OpsServer() {
    }

    /** Binds the ops port serving {@code registry} and {@code readiness}. */
    public static HttpServer start(EventLoops loops, String host, int port, PrometheusMeterRegistry registry,
            ReadinessCheck readiness) {
        InFlightRequests inFlight = new InFlightRequests();
        OpsHandler handler = new OpsHandler(registry, readiness);
        Counter resets = Counter.builder("widget.ops.connection.resets")
                .description("Ops port connections ended by a transport error (reset by the client, broken pipe)")
                .register(registry);
        ConnectionErrors errors = new ConnectionErrors("ops", resets::increment);
        return HttpServer.bind("ops", loops, host, port, inFlight, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                HttpInput.install(channel.pipeline(), new HttpDecoderConfig(), HeaderTimeout.DEFAULT);
                channel.pipeline()
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(inFlight.newTracker())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(handler)
                        .addLast(errors);
            }
        });
    }
}
