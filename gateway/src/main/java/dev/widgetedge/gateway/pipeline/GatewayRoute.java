package dev.widgetedge.gateway.pipeline;

/** The gateway's routes (docs/gateway.md, "Public port"). */
public enum GatewayRoute {
    /** {@code GET /v1/widget.js}: the embed loader, no key check. */
    SCRIPT,
    /** {@code GET /v1/widget/bootstrap}: the decision, answered by the gateway. */
    BOOTSTRAP,
    /** {@code OPTIONS /v1/widget/**}: CORS preflight, answered at the edge. */
    PREFLIGHT,
    /** Any other {@code /v1/widget/**}: validated, then proxied. */
    PROXY,
    /** Anything else: 404. */
    NOT_FOUND;

    /** Whether responses on this route carry {@code Vary: Origin} (every {@code /v1/widget/**}). */
    public boolean isWidgetApi() {
        return this == BOOTSTRAP || this == PREFLIGHT || this == PROXY;
    }
}
