package dev.widgetedge.core.origin;

import java.util.Objects;

/**
 * One entry of a key's domain allowlist: an exact origin ({@code https://acme.com}) or a wildcard
 * over the subdomains of a domain ({@code https://*.acme.com}), canonical in the same way as
 * {@link Origin}.
 *
 * <p>Obtain instances from {@link #parse}; like {@link Origin}'s, the constructor does not
 * canonicalize.
 *
 * @param scheme the scheme an origin must have
 * @param host for an exact entry the origin's canonical host; for a wildcard the domain under
 *     which any subdomain matches ({@code acme.com} for {@code *.acme.com})
 * @param port the port an origin must have, the scheme's default when the entry named none
 * @param isWildcard whether the entry matches the subdomains of {@code host} rather than {@code host} itself
 */
public record OriginPattern(Scheme scheme, String host, int port, boolean isWildcard) {

    public OriginPattern {
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
     * Parses and canonicalizes an allowlist entry. The rules are those of {@link Origin#parse},
     * except that one trailing {@code /} is tolerated (and dropped), and the host may start with a
     * {@code *.} wildcard label. A wildcard must be the whole leftmost label, and the rest must be
     * a domain name of at least two labels ({@code *.com} and wildcards over IP addresses are
     * refused). A public suffix such as {@code *.co.uk} is not detected.
     *
     * @throws InvalidOriginException with a short phrase saying what is wrong, such as {@code has a path}
     */
    public static OriginPattern parse(String entry) throws InvalidOriginException {
        Objects.requireNonNull(entry, "entry");
        Rejection why = new Rejection();
        OriginPattern pattern = OriginSyntax.pattern(entry, why);
        if (pattern == null) {
            throw why.toException();
        }
        return pattern;
    }

    /**
     * Whether {@code origin} is allowed by this entry. An exact entry matches only the same
     * scheme, host and port. A wildcard matches the same scheme and port with a host of one or
     * more labels in front of the domain: {@code https://*.acme.com} matches
     * {@code https://a.b.acme.com} but not {@code https://acme.com} or {@code https://evilacme.com}.
     * {@code null} matches nothing. For many entries, {@link Allowlist} answers the same faster.
     */
    public boolean matches(Origin origin) {
        if (origin == null || origin.scheme() != scheme || origin.port() != port) {
            return false;
        }
        return isWildcard ? isSubdomain(origin.host()) : host.equals(origin.host());
    }

    /** The canonical entry text: {@code https://*.acme.com}, {@code http://localhost:8000}. */
    @Override
    public String toString() {
        return OriginSyntax.serialize(scheme, isWildcard, host, port);
    }

    /**
     * Whether {@code candidate} is {@code host} with labels in front. Only the text after a dot is
     * compared, and only as a whole, so {@code evilacme.com} never passes for {@code acme.com}.
     */
    private boolean isSubdomain(String candidate) {
        for (int dot = candidate.indexOf('.'); dot >= 0; dot = candidate.indexOf('.', dot + 1)) {
            int parent = dot + 1;
            if (candidate.length() - parent == host.length()) {
                return candidate.regionMatches(parent, host, 0, host.length());
            }
        }
        return false;
    }
}
