package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.server.RequestTarget;
import io.netty.channel.Channel;

/**
 * Test access to the package-private parts of {@link Exchange}, for tests of handlers that sit
 * after the router and the decision (the proxy) without running those.
 */
public final class ExchangeTestAccess {

    private ExchangeTestAccess() {
    }

    /** Starts a new exchange on {@code channel} for a request to {@code uri}, as the router does for every head. */
    public static Exchange start(Channel channel, GatewayRoute route, String origin, String uri) {
        Exchange exchange = Exchange.start(channel, route, origin, System.nanoTime());
        exchange.describe("GET", RequestTarget.parse(uri));
        return exchange;
    }

    /** Records the allowed decision, as the decision handler does. */
    public static void allow(Exchange exchange, Decision.Allowed decision) {
        exchange.allow(decision);
    }
}
