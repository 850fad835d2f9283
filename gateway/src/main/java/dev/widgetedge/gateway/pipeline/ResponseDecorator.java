package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.AccessLog;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.UUID;

/**
 * What every final response of the gateway gets from the exchange it answers, whoever wrote it
 * (a responder, the proxy relaying the upstream's head, a refusal), applied once as its head is
 * written:
 *
 * <ul>
 *   <li>on {@code /v1/widget/**}, the CORS and caching headers: an allowed request's response
 *       gets {@code Access-Control-Allow-Origin: <its exact origin>}, a request served in report
 *       mode gets it only when its origin parses (so never for {@code Origin: null}), every other
 *       response none (an upstream's own is removed); {@code Access-Control-Allow-Credentials} never leaves the
 *       gateway; {@code Vary: Origin} is merged into whatever {@code Vary} the response has;
 *       bootstrap answers and the gateway's denials are {@code Cache-Control: no-store}. The
 *       preflight answer sets its own allow-origin (also for keyless preflights) and keeps it;</li>
 *   <li>the request metrics: one count by outcome, and the time from the request head;</li>
 *   <li>the access log line (when {@code --access-log} is on): method, path without query,
 *       status, outcome, time, the client address, and the key's id when allowed; never the key
 *       itself.</li>
 * </ul>
 *
 * <p>Sharable and stateless: one per gateway, called on the connection's event loop.
 */
final class ResponseDecorator {

    private static final AsciiString ORIGIN = AsciiString.cached("Origin");
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");

    private final GatewayMetrics metrics;
    private final AccessLog accessLog;

    ResponseDecorator(GatewayMetrics metrics, AccessLog accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    /**
     * Applies everything above to {@code response}, the final answer to {@code exchange}, whose
     * outcome is {@code outcome}.
     */
    void decorate(Exchange exchange, HttpResponse response, RequestOutcome outcome) {
        exchange.outcome(outcome);
        if (exchange.route().isWidgetApi()) {
            applyCors(exchange, response);
        }
        long elapsed = System.nanoTime() - exchange.startedNanos();
        metrics.request(outcome, elapsed);
        if (accessLog.enabled()) {
            UUID keyId = exchange.allowed() == null ? null : exchange.allowed().keyId();
            accessLog.record(new AccessLog.Line("gateway", exchange.method(), exchange.path(), response.status().code(),
                    elapsed, exchange.client().text(), outcome.label(), keyId));
        }
    }

    private static void applyCors(Exchange exchange, HttpResponse response) {
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
     * origin that parses (the header can only echo an origin). An allowed exchange has an origin; a
     * decide path that allowed one without it would get nothing echoed.
     */
    static boolean mayReadTheAnswer(Exchange exchange) {
        Decision.Allowed allowed = exchange.allowed();
        return allowed != null && exchange.origin() != null
                && (!allowed.reported() || Origin.parseHeaderOrNull(exchange.origin()) != null);
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
