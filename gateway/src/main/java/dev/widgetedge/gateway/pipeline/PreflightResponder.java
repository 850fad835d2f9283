package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.HttpResponses;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

/**
 * {@code OPTIONS /v1/widget/**}: the CORS preflight, answered at the edge and never forwarded.
 * A preflight with a key was already decided (a denial never gets here); one served in report
 * mode is answered whatever its origin, with {@code Access-Control-Allow-Origin} only for one that
 * parses. One without a key is answered for any origin that parses, since the real request that
 * follows is checked.
 */
final class PreflightResponder implements Responder {

    static final AsciiString ALLOW_METHODS = AsciiString.cached("GET, POST, PUT, PATCH, DELETE");
    static final AsciiString ALLOW_HEADERS = AsciiString.cached("Content-Type, X-Widget-Key");
    static final AsciiString MAX_AGE = AsciiString.cached("600");
    static final AsciiString PREFLIGHT_VARY =
            AsciiString.cached("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");

    @Override
    public Answer respond(Exchange exchange, HttpRequest request, ByteBufAllocator allocator) {
        String origin = exchange.origin();
        if (exchange.allowed() != null && exchange.allowed().reported()) {
            return answer(ResponseDecorator.mayReadTheAnswer(exchange) ? origin : null);
        }
        if (origin == null || origin.isEmpty()) {
            return deny(allocator, DenialReason.ORIGIN_MISSING);
        }
        if (Origin.parseHeaderOrNull(origin) == null) {
            return deny(allocator, DenialReason.ORIGIN_NOT_ALLOWED);
        }
        return answer(origin);
    }

    /** The preflight answer; {@code allowOrigin} is the origin to allow, or {@code null} for none. */
    private static Answer answer(String allowOrigin) {
        FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        HttpHeaders headers = response.headers();
        if (allowOrigin != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE)
                .set(HttpHeaderNames.VARY, PREFLIGHT_VARY);
        return new Answer(response, RequestOutcome.PREFLIGHT);
    }

    private static Answer deny(ByteBufAllocator allocator, DenialReason reason) {
        return new Answer(Denials.response(allocator, reason), RequestOutcome.of(reason));
    }
}
