package dev.widgetedge.gateway.proxy;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.server.RequestTarget;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The gateway's proxy to its upstream: starts one {@link ProxyExchange} per allowed request on
 * {@code /v1/widget/**}. Built once per gateway and shared by every connection; thread-safe.
 */
public final class Proxy {

    private final UpstreamClient upstream;
    private final GatewayMetrics metrics;

    public Proxy(UpstreamClient upstream, GatewayMetrics metrics) {
        this.upstream = upstream;
        this.metrics = metrics;
    }

    /**
     * The exchange that forwards {@code head}, whose body it asks of {@code client} part by part
     * once {@linkplain ProxyExchange#start() started}. The head is rewritten for the upstream in
     * place.
     *
     * @param target   the request target as parsed at the head, which the upstream's target is
     *                 rewritten from
     * @param allowed  the decision that let the request through: the identity the upstream gets
     * @param address  the request's client address, for {@code X-Forwarded-For} and {@code -Proto}
     */
    public ProxyExchange exchange(ProxyClient client, HttpRequest head, RequestTarget target,
            Decision.Allowed allowed, ClientAddress address) {
        return new ProxyExchange(client, upstream, metrics, head, target, allowed, address);
    }
}
