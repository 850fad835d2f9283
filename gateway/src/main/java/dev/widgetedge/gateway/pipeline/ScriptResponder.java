package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.HttpResponses;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

/**
 * {@code GET /v1/widget.js}: the embed loader, static, cacheable for five minutes, with a strong
 * {@code ETag} and {@code 304 Not Modified}. No key check: the script is public.
 */
final class ScriptResponder implements Responder {

    private static final AsciiString JAVASCRIPT = AsciiString.cached("text/javascript; charset=utf-8");
    private static final AsciiString CACHE_FIVE_MINUTES = AsciiString.cached("public, max-age=300");
    private static final byte[] METHOD_NOT_ALLOWED =
            GatewayResponses.errorBody("method_not_allowed", "The loader is served to GET and HEAD only.");

    private final WidgetScript script;

    ScriptResponder(WidgetScript script) {
        this.script = script;
    }

    @Override
    public Answer respond(Exchange exchange, HttpRequest request, ByteBufAllocator allocator) {
        HttpMethod method = request.method();
        String ifNoneMatch = String.join(",", request.headers().getAll(HttpHeaderNames.IF_NONE_MATCH));
        FullHttpResponse response;
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            response = GatewayResponses.error(allocator, HttpResponseStatus.METHOD_NOT_ALLOWED, METHOD_NOT_ALLOWED);
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else if (script.matches(ifNoneMatch)) {
            response = HttpResponses.empty(HttpResponseStatus.NOT_MODIFIED);
            // The length of the representation (RFC 9110 8.6): without it the keep-alive handler
            // cannot tell where this bodiless answer ends and closes the connection.
            response.headers().set(HttpHeaderNames.ETAG, script.etag())
                    .set(HttpHeaderNames.CACHE_CONTROL, CACHE_FIVE_MINUTES)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, script.body().length);
        } else {
            response = HttpResponses.of(allocator, HttpResponseStatus.OK, JAVASCRIPT,
                    method.equals(HttpMethod.HEAD) ? new byte[0] : script.body());
            response.headers().set(HttpHeaderNames.ETAG, script.etag())
                    .set(HttpHeaderNames.CACHE_CONTROL, CACHE_FIVE_MINUTES);
            if (method.equals(HttpMethod.HEAD)) {
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, script.body().length);
            }
        }
        return new Answer(response, RequestOutcome.SCRIPT);
    }
}
