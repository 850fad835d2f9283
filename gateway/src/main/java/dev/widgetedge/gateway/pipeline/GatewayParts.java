package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.client.ClientAddressResolver;
import dev.widgetedge.gateway.limit.RateLimiter;
import dev.widgetedge.gateway.proxy.Proxy;

/**
 * What every connection's {@link ExchangeHandler} shares: the client-address resolver, the rate
 * limits, the decide path, the responders, the response decorator and the proxy. All stateless or
 * thread-safe; built once per gateway.
 *
 * @param proxy        the proxy to {@code --upstream}, or {@code null} when none is configured
 * @param maxBodyBytes the most body bytes read and dropped after an early answer before the
 *                     connection is closed instead
 */
record GatewayParts(ClientAddressResolver clients, RateLimiter limits, Decisions decisions, ScriptResponder script,
        BootstrapResponder bootstrap, PreflightResponder preflight, ResponseDecorator decorator, Proxy proxy,
        long maxBodyBytes) {
}
