package dev.widgetedge.admin;

import dev.widgetedge.core.audit.Actor;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.server.AccessLog;
import dev.widgetedge.server.HttpResponses;
import dev.widgetedge.server.RefusedRequestException;
import dev.widgetedge.server.RequestHeads;
import dev.widgetedge.server.RequestTarget;
import dev.widgetedge.server.ResponseOrder;
import dev.widgetedge.server.ThrottledLog;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers admin API requests: route, authenticate, select the account, hand the call to its
 * {@link KeyEndpoints} method, and map the outcome to the status codes and sentences of
 * docs/admin-api.md. Store
 * calls are asynchronous, so the event loop never waits on Redis; the requests of one connection
 * are answered in order ({@link ResponseOrder}). This is the one place where errors become HTTP
 * responses.
 */
@Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final ThrottledLog STORE_FAILURES = new ThrottledLog(LOG, Duration.ofSeconds(60));
    private static final AsciiString X_ACCOUNT_ID = AsciiString.cached("x-account-id");
    private static final AsciiString BEARER_CHALLENGE = AsciiString.cached("Bearer realm=\"widget-edge\"");

    private final Authenticator authenticator;
    private final KeyEndpoints endpoints;
    private final AdminMetrics metrics;
    private final byte[] openApiDocument;

    AdminHandler(Authenticator authenticator, KeyEndpoints endpoints, AdminMetrics metrics, byte[] openApiDocument) {
        this.authenticator = authenticator;
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.openApiDocument = openApiDocument;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        long started = System.nanoTime();
        String method = request.method().name();
        if (request.decoderResult().isFailure()) {
            DecoderResult failure = request.decoderResult();
            ResponseOrder.enqueue(ctx.channel(), () -> {
                HttpResponseStatus status = HttpResponses.rejectMalformed(ctx, failure);
                metrics.record(AdminRoute.UNMATCHED, method, status.code(), System.nanoTime() - started);
                return CompletableFuture.completedFuture(null);
            });
            return;
        }
        RequestTarget target;
        try {
            target = RequestHeads.check(request);
        } catch (RefusedRequestException refused) {
            ResponseOrder.enqueue(ctx.channel(), () -> {
                HttpResponses.reject(ctx, refused);
                metrics.record(AdminRoute.UNMATCHED, method, refused.status().code(), System.nanoTime() - started);
                return CompletableFuture.completedFuture(null);
            });
            return;
        }
        AdminRoute.Match match = AdminRoute.match(target.path());
        HttpMethod httpMethod = request.method();
        HttpHeaders headers = request.headers();
        List<String> authorization = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        List<String> accountHeader = headers.getAll(X_ACCOUNT_ID);
        // The body is copied (at most 64 KiB) so the request can be released now.
        byte[] body = ByteBufUtil.getBytes(request.content());
        String uri = request.uri();
        ResponseOrder.enqueue(ctx.channel(), () -> answer(httpMethod, match, authorization, accountHeader, body, uri)
                .handle((reply, error) -> reply != null ? reply : replyFor(error))
                .thenCompose(reply -> send(ctx, match.route(), method, started, reply)));
    }

    private CompletionStage<Reply> answer(HttpMethod method, AdminRoute.Match match, List<String> authorization,
            List<String> accountHeader, byte[] body, String uri) {
        AdminRoute route = match.route();
        if (route == AdminRoute.UNMATCHED) {
            return CompletableFuture.failedFuture(ApiError.notFound());
        }
        if (!route.allows(method)) {
            return CompletableFuture.failedFuture(ApiError.methodNotAllowed());
        }
        if (route == AdminRoute.OPENAPI) {
            return CompletableFuture.completedFuture(Reply.json(HttpResponseStatus.OK, openApiDocument));
        }
        return authenticator.authenticate(authorization).thenCompose(token -> endpoints.serve(new KeyEndpoints.Call(
                method, route, match.id(), new Actor(token.id(), token.name()),
                AccountSelection.select(token, accountHeader), body, uri)));
    }

    private static Reply replyFor(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiError apiError) {
            return Reply.error(apiError);
        }
        if (cause instanceof StoreException) {
            // Any caller, even one without a token, causes one of these per request while the
            // store is down: the line is throttled, and the 500s are counted in the metrics.
            STORE_FAILURES.warn("admin requests failed on the store", cause.getMessage());
            return Reply.error(ApiError.databaseError());
        }
        LOG.error("admin request failed unexpectedly", cause);
        return Reply.error(ApiError.internalError());
    }

    private CompletionStage<Void> send(ChannelHandlerContext ctx, AdminRoute route, String method, long started,
            Reply reply) {
        FullHttpResponse response = reply.body() == null
                ? HttpResponses.empty(reply.status())
                : HttpResponses.of(ctx.alloc(), reply.status(), reply.contentType(), reply.body());
        HttpHeaders headers = response.headers();
        CommonHeaders.addTo(headers);
        if (reply.location() != null) {
            headers.set(HttpHeaderNames.LOCATION, reply.location());
        }
        if (reply.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            headers.set(HttpHeaderNames.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (reply.status().equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
            headers.set(HttpHeaderNames.ALLOW, route.allowHeader());
        }
        long elapsed = System.nanoTime() - started;
        metrics.record(route, method, reply.status().code(), elapsed);
        AccessLog log = AccessLog.shared();
        if (log.enabled()) {
            log.record(new AccessLog.Line("admin", method, route.template(), reply.status().code(), elapsed,
                    AccessLog.addressOf(ctx.channel().remoteAddress()), null, null));
        }
        return ResponseOrder.completion(ctx.writeAndFlush(response));
    }
}
