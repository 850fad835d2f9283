package dev.widgetedge.gateway.client;

import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.util.Locale;

/**
 * Whether the public port requires an HAProxy PROXY protocol header on every connection
 * ({@code --proxy-protocol}), and of which version.
 */
public enum ProxyProtocol {
    /** No header: the TCP peer is the connection's peer. */
    OFF,
    /** The text header ({@code PROXY TCP4 …}) only. */
    V1,
    /** The binary header only. */
    V2,
    /** Either version. */
    ANY;

    /** What {@code --proxy-protocol} expects, for messages. */
    public static final String EXPECTED = "off, v1, v2 or any";

    /**
     * The mode written as {@code value}, in any case.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static ProxyProtocol parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not " + EXPECTED, e);
        }
    }

    /** Whether a header of {@code version} is what this mode asks for. */
    boolean accepts(HAProxyProtocolVersion version) {
        return switch (this) {
            case OFF -> false;
            case V1 -> version == HAProxyProtocolVersion.V1;
            case V2 -> version == HAProxyProtocolVersion.V2;
            case ANY -> true;
        };
    }

    /** The option's value as it is written: {@code off}, {@code v1}, {@code v2}, {@code any}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
