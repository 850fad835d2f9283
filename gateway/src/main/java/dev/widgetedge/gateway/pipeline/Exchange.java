package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.RequestTarget;

/**
 * One request and what became of it: made by the {@link ExchangeHandler} when a request head
 * arrives and passed explicitly to whoever works on the request (the decision, a responder, the
 * {@link ResponseDecorator}); never kept on the channel. Its route, origin, method, target and
 * client address are fixed at the head; the decision and the outcome are recorded as they are
 * known.
 *
 * <p>Confined to the event loop of the request's connection.
 */
public final class Exchange {

    private final GatewayRoute route;
    private final String origin;
    private final long startedNanos;
    private final String method;
    private final RequestTarget target;
    private final ClientAddress client;
    private Decision.Allowed allowed;
    private RequestOutcome outcome;

    /**
     * @param method the request method, {@code null} for a request refused unread
     * @param target the target as parsed once at the head, {@code null} for a request refused unread
     * @param client the request's client address (the connection's peer for a request refused unread)
     */
    Exchange(GatewayRoute route, String origin, String method, RequestTarget target, ClientAddress client,
            long startedNanos) {
        this.route = route;
        this.origin = origin;
        this.method = method;
        this.target = target;
        this.client = client;
        this.startedNanos = startedNanos;
    }

    /** A request from {@code peer} refused before it was routed (it did not decode, or its head broke a rule). */
    static Exchange refused(ClientAddress peer, long startedNanos) {
        return new Exchange(GatewayRoute.NOT_FOUND, null, null, null, peer, startedNanos);
    }

    public GatewayRoute route() {
        return route;
    }

    /** The request's {@code Origin} header (several are joined into a value no allowlist matches), or {@code null}. */
    public String origin() {
        return origin;
    }

    /** The request method, or {@code null} for a request refused unread. */
    public String method() {
        return method;
    }

    /** The request path without query, or {@code null} for a request refused unread. */
    public String path() {
        return target == null ? null : target.path();
    }

    /** The request target as parsed once at the head; {@code null} for a request refused unread. */
    public RequestTarget target() {
        return target;
    }

    /** Who sent the request, as the gateway believes it: what the rate limits, the access log and the upstream see. */
    public ClientAddress client() {
        return client;
    }

    /** When the head was read ({@link System#nanoTime()}). */
    public long startedNanos() {
        return startedNanos;
    }

    /**
     * The allowed decision, or {@code null} while undecided, when denied, or on a route without one.
     * A {@linkplain Decision.Allowed#reported() reported} one serves an origin the allowlist refuses
     * (report mode).
     * A request the rate limits refuse after an allowed decision keeps it: its {@code 429} carries
     * the CORS headers of an allowed origin.
     */
    public Decision.Allowed allowed() {
        return allowed;
    }

    /** The outcome of a request served on the allowed decision: {@code allowed} or {@code reported}. */
    public RequestOutcome servedOutcome() {
        return allowed != null && allowed.reported() ? RequestOutcome.REPORTED : RequestOutcome.ALLOWED;
    }

    void allow(Decision.Allowed decision) {
        this.allowed = decision;
    }

    /** How the request ended, once its response head is written; else {@code null}. */
    public RequestOutcome outcome() {
        return outcome;
    }

    void outcome(RequestOutcome value) {
        this.outcome = value;
    }
}
