package dev.widgetedge.core.origin;

import java.util.Objects;

/**
 * A browser origin, parsed and canonical: scheme, host and port (RFC 6454). Two spellings of
 * the same origin parse to equal values: scheme and host are lowercased, an internationalized host
 * is in punycode, a trailing dot on the host is dropped, an IPv6 host is in RFC 5952 form in
 * brackets, and the port is always explicit ({@code https://acme.com} has port 443).
 *
 * <p>Obtain instances from {@link #parse} or {@link #parseHeaderOrNull}. The constructor checks
 * only that the components are present and the port is in range; it does not canonicalize, so an
 * origin built from a non-canonical host (such as {@code ACME.com}) matches nothing.
 *
 * @param scheme the scheme
 * @param host the canonical host ({@code acme.com}, {@code xn--bcher-kva.example}, {@code 127.0.0.1}, {@code [::1]})
 * @param port the port, 1–65535, the scheme's default when the text named none
 */
public record Origin(Scheme scheme, String host, int port) {

    public Origin {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < OriginSyntax.MIN_PORT || port > OriginSyntax.MAX_PORT) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    /**
     * Parses an origin strictly, by the rules of an {@code Origin} request header:
     * {@code scheme "://" host [":" port]} with scheme {@code http} or {@code https}, and nothing
     * else. {@code null} (the opaque origin), a path (even a lone {@code /}), a query, a fragment,
     * userinfo, whitespace, a comma (several values) and a wildcard are all rejected.
     *
     * @throws InvalidOriginException with a short phrase saying what is wrong, such as {@code has a path}
     */
    public static Origin parse(String value) throws InvalidOriginException {
        Objects.requireNonNull(value, "value");
        Rejection why = new Rejection();
        Origin origin = OriginSyntax.origin(value, why);
        if (origin == null) {
            throw why.toException();
        }
        return origin;
    }

    /**
     * Parses an {@code Origin} header by the same rules as {@link #parse}, returning {@code null}
     * instead of throwing: for the gateway, which calls it on every request. An absent header
     * ({@code null}) also gives {@code null}. Never does I/O; a rejected value costs no allocation
     * unless its host is non-ASCII (which browsers never send).
     */
    public static Origin parseHeaderOrNull(CharSequence headerValue) {
        return headerValue == null ? null : OriginSyntax.origin(headerValue, null);
    }

    /**
     * Whether {@code text} is exactly this origin's serialization ({@link #toString()}): what a
     * browser's {@code Origin} header is for it. Compared without building the text; no allocation.
     */
    public boolean isSerializedAs(CharSequence text) {
        int at = prefixLength(text, scheme.text(), 0);
        at = at < 0 ? -1 : prefixLength(text, "://", at);
        at = at < 0 ? -1 : prefixLength(text, host, at);
        if (at < 0) {
            return false;
        }
        if (port == scheme.defaultPort()) {
            return at == text.length();
        }
        if (at >= text.length() || text.charAt(at) != ':') {
            return false;
        }
        int value = 0;
        int first = at + 1;
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || i - first >= 5) {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return text.length() > first && text.charAt(first) != '0' && value == port;
    }

    /** The index after {@code expected} if {@code text} has it at {@code at}, else -1. */
    private static int prefixLength(CharSequence text, String expected, int at) {
        if (text.length() - at < expected.length()) {
            return -1;
        }
        for (int i = 0; i < expected.length(); i++) {
            if (text.charAt(at + i) != expected.charAt(i)) {
                return -1;
            }
        }
        return at + expected.length();
    }

    /** The RFC 6454 serialization, without the default port: {@code https://acme.com}, {@code http://localhost:8000}. */
    @Override
    public String toString() {
        return OriginSyntax.serialize(scheme, false, host, port);
    }
}
