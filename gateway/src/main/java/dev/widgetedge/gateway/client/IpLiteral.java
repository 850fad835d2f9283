package dev.widgetedge.gateway.client;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals as proxies write them, parsed without any name lookup. An IPv4-mapped IPv6
 * address ({@code ::ffff:192.0.2.1}) is read as the IPv4 address it maps, so that one client has
 * one address whichever way a proxy spelled it.
 */
final class IpLiteral {

    private IpLiteral() {
    }

    /**
     * The address written as {@code text}: an IPv4 or IPv6 literal, optionally with a port
     * ({@code 192.0.2.1:443}, {@code [2001:db8::1]:443}, or an IPv6 literal in brackets without
     * one); surrounding spaces are ignored. {@code null} for anything else: a host name, an
     * obfuscated identifier ({@code unknown}, {@code _hidden}), a zone index, an empty string.
     */
    static InetAddress parse(String text) {
        String literal = withoutPort(text.strip());
        if (literal == null || literal.isEmpty() || literal.indexOf('%') >= 0) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        return bytes == null ? null : of(bytes);
    }

    /** The address of {@code bytes} (4 or 16 of them), an IPv4-mapped one as IPv4. */
    static InetAddress of(byte[] bytes) {
        try {
            // The JDK returns an Inet4Address for an IPv4-mapped IPv6 address.
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length, e);
        }
    }

    /** The literal without a port; {@code null} when the brackets or the port are malformed. */
    private static String withoutPort(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || !isPortSuffix(text, close + 1)) {
                return null;
            }
            return text.substring(1, close);
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && colon == text.lastIndexOf(':')) {
            // One colon: IPv4 with a port (an IPv6 literal has at least two).
            return isPortSuffix(text, colon) && colon > 0 ? text.substring(0, colon) : null;
        }
        return text;
    }

    /** Whether {@code text} ends at {@code from} or continues with {@code :} and 1–5 digits there. */
    private static boolean isPortSuffix(String text, int from) {
        if (from == text.length()) {
            return true;
        }
        int digits = text.length() - from - 1;
        if (text.charAt(from) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        for (int i = from + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
