package dev.widgetedge.gateway.proxy;

import dev.widgetedge.gateway.pipeline.GatewayResponses;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The answers the proxy gives itself when the upstream cannot (docs/gateway.md, "Proxying"). */
final class ProxyResponses {

    private static final byte[] UNAVAILABLE =
            GatewayResponses.errorBody("upstream_unavailable", "The widget backend cannot be reached.");
    private static final byte[] TIMEOUT =
            GatewayResponses.errorBody("upstream_timeout", "The widget backend did not answer in time.");
    private static final byte[] TOO_LARGE =
            GatewayResponses.errorBody("body_too_large", "The request body is larger than the gateway accepts.");

    private ProxyResponses() {
    }

    /** {@code 502}: the upstream could not be connected to, or failed before answering. */
    static FullHttpResponse unavailable(ByteBufAllocator allocator) {
        return GatewayResponses.error(allocator, HttpResponseStatus.BAD_GATEWAY, UNAVAILABLE);
    }

    /** {@code 504}: the upstream sent no response head within the upstream timeout. */
    static FullHttpResponse timeout(ByteBufAllocator allocator) {
        return GatewayResponses.error(allocator, HttpResponseStatus.GATEWAY_TIMEOUT, TIMEOUT);
    }

    /** {@code 413}: the request body exceeds the proxy's limit. */
    static FullHttpResponse tooLarge(ByteBufAllocator allocator) {
        return GatewayResponses.error(allocator, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, TOO_LARGE);
    }
}
