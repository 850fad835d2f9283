package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.DenialReason;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one place where a denial becomes an HTTP answer (docs/gateway.md, "Decisions"): status, JSON body
 * {@code {"error", "message"}}, and {@code Retry-After} for a store outage. Bodies are encoded once.
 */
final class Denials {

    /** Seconds a client should wait before retrying while the store is unavailable. */
    static final int RETRY_AFTER_SECONDS = 5;

    private record Answer(HttpResponseStatus status, byte[] body) {
    }

    private static final Map<DenialReason, Answer> ANSWERS = new EnumMap<>(DenialReason.class);

    static {
        answer(DenialReason.MISSING_KEY, HttpResponseStatus.UNAUTHORIZED,
                "The request carries no widget key.");
        answer(DenialReason.INVALID_KEY, HttpResponseStatus.UNAUTHORIZED,
                "The widget key is not a valid key.");
        answer(DenialReason.UNKNOWN_KEY, HttpResponseStatus.UNAUTHORIZED,
                "The widget key does not exist.");
        answer(DenialReason.KEY_DISABLED, HttpResponseStatus.FORBIDDEN,
                "The widget key has been disabled.");
        answer(DenialReason.KEY_EXPIRED, HttpResponseStatus.FORBIDDEN,
                "The widget key has expired.");
        answer(DenialReason.ORIGIN_MISSING, HttpResponseStatus.FORBIDDEN,
                "The request carries no Origin header.");
        answer(DenialReason.ORIGIN_NOT_ALLOWED, HttpResponseStatus.FORBIDDEN,
                "This origin is not on the widget key's domain allowlist.");
        answer(DenialReason.STORE_UNAVAILABLE, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "The key store is unavailable; try again shortly.");
    }

    private static void answer(DenialReason reason, HttpResponseStatus status, String message) {
        ANSWERS.put(reason, new Answer(status, GatewayResponses.errorBody(reason.code(), message)));
    }

    private Denials() {
    }

    /** The complete answer to a denied request. */
    static FullHttpResponse response(ByteBufAllocator allocator, DenialReason reason) {
        Answer answer = ANSWERS.get(reason);
        FullHttpResponse response = GatewayResponses.error(allocator, answer.status(), answer.body());
        if (reason == DenialReason.STORE_UNAVAILABLE) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return response;
    }
}
