package dev.widgetedge.app;

import dev.widgetedge.gateway.client.ProxyProtocol;

/** Reads {@code --proxy-protocol}: {@code off}, {@code v1}, {@code v2} or {@code any}, in any case. */
final class ProxyProtocolConverter implements OptionConverter<ProxyProtocol> {

    @Override
    public ProxyProtocol convert(String value) {
        try {
            return ProxyProtocol.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    @Override
    public String expected() {
        return ProxyProtocol.EXPECTED;
    }

    @Override
    public String format(ProxyProtocol value) {
        return value.toString();
    }
}
