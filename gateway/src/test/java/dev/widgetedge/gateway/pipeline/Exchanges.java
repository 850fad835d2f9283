package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.client.ClientAddressResolver;
import dev.widgetedge.gateway.client.TrustedProxies;
import dev.widgetedge.server.RequestTarget;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;

/** Exchanges as the {@link ExchangeHandler} makes them at a request head, for responder tests. */
final class Exchanges {

    /** The client every exchange made here comes from. */
    static final ClientAddress CLIENT = new ClientAddressResolver(TrustedProxies.none())
            .peer(new InetSocketAddress("203.0.113.9", 0).getAddress());

    private Exchanges() {
    }

    /** The exchange of a {@code method} request to {@code uri} from {@code origin} (may be {@code null}), routed as the gateway routes it. */
    static Exchange of(HttpMethod method, String uri, String origin) {
        RequestTarget target = RequestTarget.parse(uri);
        return new Exchange(Routes.classify(method, target.path()), origin, method.name(), target, CLIENT,
                System.nanoTime());
    }

    /** As {@link #of}, with {@code decision} recorded as the decision handler would. */
    static Exchange allowed(HttpMethod method, String uri, String origin, Decision.Allowed decision) {
        Exchange exchange = of(method, uri, origin);
        exchange.allow(decision);
        return exchange;
    }
}
