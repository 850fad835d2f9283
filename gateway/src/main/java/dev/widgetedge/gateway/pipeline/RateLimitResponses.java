package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.limit.Refusal;
import dev.widgetedge.gateway.metrics.LimitKind;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one place a rate-limit refusal becomes an answer ({@code docs/rate-limits.md}): {@code 429}
 * with {@code {"error":"rate_limited","message":…}}, {@code Retry-After} in seconds, and the
 * {@code RateLimit-Policy} and {@code RateLimit} fields of the IETF draft (draft-ietf-httpapi-
 * ratelimit-headers), naming the policy that refused: {@code "client";q=600;w=60} and
 * {@code "client";r=0;t=17}. An allowed origin's {@code 429} also exposes those headers to the
 * page's script ({@code Access-Control-Allow-Origin} itself is the {@link ResponseDecorator}'s).
 * Bodies are encoded once per limit: a flood of refusals costs no encoding.
 */
final class RateLimitResponses {

    private static final AsciiString RATE_LIMIT = AsciiString.cached("RateLimit");
    private static final AsciiString RATE_LIMIT_POLICY = AsciiString.cached("RateLimit-Policy");
    private static final AsciiString EXPOSED = AsciiString.cached("Retry-After, RateLimit, RateLimit-Policy");
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");
    private static final Map<LimitKind, byte[]> BODIES = new EnumMap<>(LimitKind.class);

    static {
        BODIES.put(LimitKind.CLIENT, body("Too many requests from this client with this widget key; "
                + "retry after the time Retry-After gives."));
        BODIES.put(LimitKind.KEY, body("Too many requests with this widget key; retry after the time Retry-After gives."));
        BODIES.put(LimitKind.MISS, body("Too many requests with a missing, invalid or unknown widget key from this "
                + "client; retry after the time Retry-After gives."));
    }

    private static byte[] body(String message) {
        return GatewayResponses.errorBody("rate_limited", message);
    }

    private RateLimitResponses() {
    }

    /**
     * The {@code 429} for {@code refusal}.
     *
     * @param exposeHeaders whether the request's origin is allowed, so that the page's script may
     *                      read the headers
     */
    static FullHttpResponse response(ByteBufAllocator allocator, Refusal refusal, boolean exposeHeaders) {
        FullHttpResponse response = GatewayResponses.error(allocator, HttpResponseStatus.TOO_MANY_REQUESTS,
                BODIES.get(refusal.kind()));
        HttpHeaders headers = response.headers();
        String policy = '"' + refusal.kind().label() + '"';
        headers.set(HttpHeaderNames.RETRY_AFTER, refusal.retryAfterSeconds());
        headers.set(RATE_LIMIT_POLICY, policy + ";q=" + refusal.limit() + ";w=" + refusal.windowSeconds());
        headers.set(RATE_LIMIT, policy + ";r=0;t=" + refusal.retryAfterSeconds());
        headers.set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
        if (exposeHeaders) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        }
        return response;
    }
}
