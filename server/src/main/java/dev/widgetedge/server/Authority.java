package dev.widgetedge.server;

import io.netty.util.NetUtil;

/**
 * The {@code host[:port]} syntax of a {@code Host} header and of an absolute-form target's
 * authority, held to what a real host name or address looks like: a DNS name (letters, digits,
 * {@code -} and {@code _} in non-empty labels, one trailing dot allowed; a numeric last label
 * makes it a dotted-quad IPv4 address, which must be valid), or a bracketed IPv6 address, then optionally {@code :} and a port of 1 to 5 digits up to
 * 65535. Anything else ({@code evil.test/../x}, {@code user@evil.test}, {@code a, b},
 * {@code host:}, {@code [::1}, percent-encoding) is refused: an upstream, a log or a cache that
 * reads the value could take it for something else.
 */
final class Authority {

    private static final int MAX_PORT = 65_535;

    private Authority() {
    }

    static boolean isValid(String authority) {
        if (authority.isEmpty()) {
            return false;
        }
        int hostEnd;
        if (authority.charAt(0) == '[') {
            hostEnd = authority.indexOf(']');
            if (hostEnd < 0 || !NetUtil.isValidIpV6Address(authority.substring(1, hostEnd))
                    || authority.indexOf('%') >= 0) {
                return false;
            }
            hostEnd++;
        } else {
            int colon = authority.indexOf(':');
            hostEnd = colon < 0 ? authority.length() : colon;
            if (!isHostName(authority, hostEnd) || (endsWithNumericLabel(authority, hostEnd)
                    && !NetUtil.isValidIpV4Address(authority.substring(0, hostEnd)))) {
                return false;
            }
        }
        return hostEnd == authority.length()
                || (authority.charAt(hostEnd) == ':' && isPort(authority, hostEnd + 1));
    }

    /** Labels of {@code A-Z a-z 0-9 - _} separated by single dots; a final dot is allowed. */
    private static boolean isHostName(String text, int end) {
        if (end == 0 || text.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (i + 1 < end && text.charAt(i + 1) == '.') {
                    return false;
                }
            } else if (!isLabelChar(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithNumericLabel(String text, int end) {
        int last = text.charAt(end - 1) == '.' ? end - 1 : end;
        int start = text.lastIndexOf('.', last - 1) + 1;
        for (int i = start; i < last; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return start < last;
    }

    private static boolean isLabelChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static boolean isPort(String text, int start) {
        int digits = text.length() - start;
        if (digits < 1 || digits > 5) {
            return false;
        }
        int port = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= MAX_PORT;
    }
}
