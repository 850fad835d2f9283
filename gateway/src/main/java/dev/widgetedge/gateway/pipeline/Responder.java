package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A route the gateway answers itself, with one complete response built from the request head and
 * its {@link Exchange} (already allowed where the route needs a decision). Not a Netty handler:
 * the {@link ExchangeHandler} calls it, then decorates, writes and counts the answer, and drops
 * whatever body the request has. Implementations are stateless and shared.
 */
interface Responder {

    /** The answer to {@code request}; called on the connection's event loop. */
    Answer respond(Exchange exchange, HttpRequest request, ByteBufAllocator allocator);

    /** A complete response and the outcome it is counted as. */
    record Answer(FullHttpResponse response, RequestOutcome outcome) {
    }
}
