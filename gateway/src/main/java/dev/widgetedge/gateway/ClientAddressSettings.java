package dev.widgetedge.gateway;

import dev.widgetedge.gateway.client.ProxyProtocol;
import dev.widgetedge.gateway.client.TrustedProxies;
import java.util.Objects;

/**
 * How the gateway learns a request's client address ({@code docs/gateway.md}, "Client address").
 *
 * @param trustedProxies the proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed
 * @param proxyProtocol  whether every connection to the public port starts with a PROXY protocol header
 */
public record ClientAddressSettings(TrustedProxies trustedProxies, ProxyProtocol proxyProtocol) {

    public static final TrustedProxies DEFAULT_TRUSTED_PROXIES = TrustedProxies.none();
    public static final ProxyProtocol DEFAULT_PROXY_PROTOCOL = ProxyProtocol.OFF;

    public ClientAddressSettings {
        Objects.requireNonNull(trustedProxies, "--trusted-proxies");
        Objects.requireNonNull(proxyProtocol, "--proxy-protocol");
    }
}
