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
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The ops port: {@code GET /metrics} (Prometheus text format), {@code GET /healthz} (the process
 * is alive) and {@code GET /readyz} (200 when the {@link ReadinessCheck} says so, else 503).
 *
 * <p>A scrape renders every meter of the process, which takes milliseconds: it runs on a thread of
 * its own ({@link #SCRAPES}), never on the event loop, which the ops port shares with the gateway
 * and the admin API.
 */
@Sharable
public final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final AsciiString PROMETHEUS_TEXT =
            AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");

    /**
     * The one thread scrapes run on, made when a scrape comes and gone after a quiet half minute;
     * scrapes from several connections wait their turn.
     */
    static final Executor SCRAPES = scrapeExecutor();

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
            case "/metrics" -> CompletableFuture.supplyAsync(() -> registry.scrape().getBytes(StandardCharsets.UTF_8),
                    SCRAPES).handle((text, error) -> error == null
                    ? HttpResponses.of(ctx.alloc(), HttpResponseStatus.OK, PROMETHEUS_TEXT, text)
                    : HttpResponses.text(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "Scrape failed"));
            case "/healthz" -> CompletableFuture.completedFuture(
                    HttpResponses.text(ctx.alloc(), HttpResponseStatus.OK, "ok"));
            default -> readiness.isReady().handle((ready, error) -> error == null && Boolean.TRUE.equals(ready)
                    ? HttpResponses.text(ctx.alloc(), HttpResponseStatus.OK, "ready")
                    : HttpResponses.text(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready"));
        };
    }

    private static Executor scrapeExecutor() {
        return new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "metrics-scrape");
            thread.setDaemon(true);
            return thread;
        });
    }
}
