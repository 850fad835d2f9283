package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.RequestTarget;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The request a client connection is working on: its route, its {@code Origin}, the decision,
 * and how it ended. HTTP/1.1 serves one request at a time per connection, so the gateway keeps one
 * exchange per channel; the router starts a new one for every request head.
 *
 * <p>Only touched from the channel's event loop.
 */
public final class Exchange {

    private static final AttributeKey<Exchange> KEY = AttributeKey.valueOf("widget-edge.exchange");

    private final GatewayRoute route;
    private final String origin;
    private final long startedNanos;
    private String method;
    private RequestTarget target;
    private Decision.Allowed allowed;
    private RequestOutcome outcome;
    private boolean answered;

    Exchange(GatewayRoute route, String origin, long startedNanos) {
        this.route = route;
        this.origin = origin;
        this.startedNanos = startedNanos;
    }

    /** Starts the exchange of a new request on {@code channel}. */
    static Exchange start(Channel channel, GatewayRoute route, String origin, long startedNanos) {
        Exchange exchange = new Exchange(route, origin, startedNanos);
        channel.attr(KEY).set(exchange);
        return exchange;
    }

    /** The current exchange of {@code channel}; {@code null} before the first request. */
    public static Exchange of(Channel channel) {
        return channel.attr(KEY).get();
    }

    public GatewayRoute route() {
        return route;
    }

    /** The request's {@code Origin} header, or {@code null}. */
    public String origin() {
        return origin;
    }

    /** Records the request line's method and parsed target. */
    void describe(String requestMethod, RequestTarget requestTarget) {
        this.method = requestMethod;
        this.target = requestTarget;
    }

    /** The request method, or {@code null} for a request that was refused unread. */
    public String method() {
        return method;
    }

    /** The request path without query, or {@code null} for a request that was refused unread. */
    public String path() {
        return target == null ? null : target.path();
    }

    /**
     * The request target as parsed once by the router, which the proxy rewrites from; {@code null}
     * for a request that was refused unread.
     */
    public RequestTarget target() {
        return target;
    }

    public long startedNanos() {
        return startedNanos;
    }

    /**
     * The allowed decision, or {@code null} while undecided or when denied. A
     * {@linkplain Decision.Allowed#reported() reported} one serves an origin the allowlist refuses
     * (report mode).
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

    /** How the request ended, for metrics; set by whoever answers it. */
    public RequestOutcome outcome() {
        return outcome;
    }

    /** Records how the request ended. */
    public void outcome(RequestOutcome value) {
        this.outcome = value;
    }

    /**
     * Whether the gateway answered this request itself; its remaining body parts are then
     * dropped rather than passed on.
     */
    boolean answered() {
        return answered;
    }

    void markAnswered() {
        answered = true;
    }
}
