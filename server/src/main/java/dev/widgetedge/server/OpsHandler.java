package dev.widgetedge.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The ops port: {@code GET /metrics} (Prometheus text format), {@code GET /healthz} (the process
 * is alive) and {@code GET /readyz} (200 when the {@link ReadinessCheck} says so, else 503).
 */
@Sharable
public final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final AsciiString PROMETHEUS_TEXT =
            AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");

    private final PrometheusMeterRegistry registry;
    private final ReadinessCheck readiness;

    public OpsHandler(PrometheusMeterRegistry registry, ReadinessCheck readiness) {
        this.registry = registry;
        this.readiness = readiness;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            HttpResponses.rejectMalformed(ctx, request.decoderResult());
            return;
        }
        String path;
        try {
            path = RequestHeads.check(request).path();
        } catch (RefusedRequestException refused) {
            HttpResponses.reject(ctx, refused);
            return;
        }
        boolean known = path.equals("/metrics") || path.equals("/healthz") || path.equals("/readyz");
        if (!known) {
            ctx.writeAndFlush(HttpResponses.text(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "Not found"));
            return;
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse response =
                    HttpResponses.text(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            ctx.writeAndFlush(response);
            return;
        }
        switch (path) {
            case "/metrics" -> ctx.writeAndFlush(HttpResponses.of(ctx.alloc(), HttpResponseStatus.OK,
                    PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8)));
            case "/healthz" -> ctx.writeAndFlush(HttpResponses.text(ctx.alloc(), HttpResponseStatus.OK, "ok"));
            default -> readiness.isReady().whenComplete((ready, error) -> {
                boolean up = error == null && Boolean.TRUE.equals(ready);
                ctx.writeAndFlush(up
                        ? HttpResponses.text(ctx.alloc(), HttpResponseStatus.OK, "ready")
                        : HttpResponses.text(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready"));
            });
        }
    }
}
