package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.widget.Decision;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * The CORS and caching headers of every response on {@code /v1/widget/**} (docs/gateway.md, "CORS"),
 * whoever wrote it (the gateway or the upstream):
 * <ul>
 *   <li>an allowed request's response gets {@code Access-Control-Allow-Origin: <its exact origin>};
 *       a request served in report mode gets it only when its origin parses (so never for
 *       {@code Origin: null}); every other response gets none (an upstream's own is removed);</li>
 *   <li>{@code Access-Control-Allow-Credentials} never leaves the gateway;</li>
 *   <li>{@code Vary: Origin} is merged into whatever {@code Vary} the response has;</li>
 *   <li>bootstrap answers and the gateway's denials are {@code Cache-Control: no-store}.</li>
 * </ul>
 * The preflight handler sets its own allow-origin (also for keyless preflights) and is left alone.
 */
@Sharable
final class CorsResponseHeaders extends ChannelOutboundHandlerAdapter {

    private static final AsciiString ORIGIN = AsciiString.cached("Origin");
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            Exchange exchange = Exchange.of(ctx.channel());
            if (exchange != null && exchange.route().isWidgetApi()) {
                apply(exchange, response);
            }
        }
        super.write(ctx, msg, promise);
    }

    private static void apply(Exchange exchange, HttpResponse response) {
        HttpHeaders headers = response.headers();
        headers.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS);
        if (exchange.route() != GatewayRoute.PREFLIGHT) {
            headers.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
            if (mayReadTheAnswer(exchange)) {
                headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, exchange.origin());
            }
        }
        mergeVaryOrigin(headers);
        boolean denial = exchange.allowed() == null && response.status().code() >= 400;
        if (exchange.route() == GatewayRoute.BOOTSTRAP || denial) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
        }
    }

    /**
     * Whether the request's origin may read the answer: allowed, or served in report mode from an
     * origin that parses (the header can only echo an origin).
     */
    static boolean mayReadTheAnswer(Exchange exchange) {
        Decision.Allowed allowed = exchange.allowed();
        return allowed != null && (!allowed.reported() || Origin.parseHeaderOrNull(exchange.origin()) != null);
    }

    /** Adds {@code Origin} to {@code Vary} unless it (or {@code *}) is there; never replaces it. */
    static void mergeVaryOrigin(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.VARY)) {
            // The gateway's own answers have no Vary: the common case costs no list.
            headers.set(HttpHeaderNames.VARY, ORIGIN);
            return;
        }
        List<String> values = headers.getAll(HttpHeaderNames.VARY);
        for (String value : values) {
            for (String token : value.split(",")) {
                String name = token.strip();
                if (name.equals("*") || name.equalsIgnoreCase("Origin")) {
                    return;
                }
            }
        }
        headers.set(HttpHeaderNames.VARY, String.join(", ", values) + ", Origin");
    }
}
