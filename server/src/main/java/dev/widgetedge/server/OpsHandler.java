package dev.widgetedge.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

    /**
     * Answers in request order ({@link ResponseOrder}): {@code /readyz} may wait for the store, and
     * a pipelined {@code /healthz} must not overtake it.
     */
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            ResponseOrder.enqueue(ctx.channel(), () -> {
                HttpResponses.rejectMalformed(ctx, decoded);
                return CompletableFuture.completedFuture(null);
            });
            return;
        }
        String path;
        try {
            path = RequestHeads.check(request).path();
        } catch (RefusedRequestException refused) {
            ResponseOrder.enqueue(ctx.channel(), () -> {
                HttpResponses.reject(ctx, refused);
                return CompletableFuture.completedFuture(null);
            });
            return;
        }
        HttpMethod method = request.method();
        ResponseOrder.enqueue(ctx.channel(), () -> answer(ctx, path, method)
                .thenCompose(response -> ResponseOrder.completion(ctx.writeAndFlush(response))));
    }

    private CompletionStage<FullHttpResponse> answer(ChannelHandlerContext ctx, String path, HttpMethod method) {
        boolean known = path.equals("/metrics") || path.equals("/healthz") || path.equals("/readyz");
        if (!known) {
            return CompletableFuture.completedFuture(
                    HttpResponses.text(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "Not found"));
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse response =
                    HttpResponses.text(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return CompletableFuture.completedFuture(response);
        }
        return switch (path) {
            case "/metrics" -> CompletableFuture.completedFuture(HttpResponses.of(ctx.alloc(), HttpResponseStatus.OK,
                    PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8)));
            case "/healthz" -> CompletableFuture.completedFuture(
                    HttpResponses.text(ctx.alloc(), HttpResponseStatus.OK, "ok"));
            default -> readiness.isReady().handle((ready, error) -> error == null && Boolean.TRUE.equals(ready)
                    ? HttpResponses.text(ctx.alloc(), HttpResponseStatus.OK, "ready")
                    : HttpResponses.text(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready"));
        };
    }
}
