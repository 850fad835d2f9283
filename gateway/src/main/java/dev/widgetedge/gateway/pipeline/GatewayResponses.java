package dev.widgetedge.gateway.pipeline;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.widgetedge.server.HttpResponses;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/** The gateway's JSON error answers: {@code {"error": "<code>", "message": "<sentence>"}}. */
public final class GatewayResponses {

    private GatewayResponses() {
    }

    /** A JSON error body pre-encoded once; {@code code} and {@code message} are constants. */
    public static byte[] errorBody(String code, String message) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        return ("{\"error\":\"" + new String(encoder.quoteAsString(code)) + "\",\"message\":\""
                + new String(encoder.quoteAsString(message)) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON error response with a pre-encoded body. */
    public static FullHttpResponse error(ByteBufAllocator allocator, HttpResponseStatus status, byte[] body) {
        return HttpResponses.of(allocator, status, HttpResponses.APPLICATION_JSON, body);
    }
}
