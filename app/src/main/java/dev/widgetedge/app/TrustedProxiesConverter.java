package dev.widgetedge.app;

import dev.widgetedge.gateway.client.TrustedProxies;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --trusted-proxies}: comma-separated CIDRs, or {@code none} (which also clears
 * {@code dev}'s loopback default). A bad entry is named in the error, with what is wrong with it.
 */
final class TrustedProxiesConverter implements OptionConverter<TrustedProxies> {

    static final String NONE = "none";

    @Override
    public TrustedProxies convert(String value) {
        if (value.strip().equalsIgnoreCase(NONE)) {
            return TrustedProxies.none();
        }
        try {
            return TrustedProxies.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(expected() + "; " + e.getMessage());
        }
    }

    @Override
    public String expected() {
        return TrustedProxies.EXPECTED + ", or none";
    }

    @Override
    public String format(TrustedProxies value) {
        return value.isEmpty() ? NONE : value.toString();
    }
}
