package dev.widgetedge.core.origin;

import java.util.List;

/**
 * The wildcard entries of an {@link Allowlist}, keyed by (scheme, port, domain) in an
 * open-addressing hash table. A lookup walks the host's label boundaries from the right and
 * probes the table once per parent domain ({@code b.acme.com}, {@code acme.com}, {@code com} for
 * {@code a.b.acme.com}), so its cost depends on the number of labels, not of entries. Each parent
 * domain's hash is built up character by character as the walk proceeds and equals
 * {@link String#hashCode()} of that domain, so a lookup allocates nothing. Immutable and thread-safe.
 */
final class SubdomainIndex {

    /** The wildcard entries themselves (their host is the parent domain), in open addressing. */
    private final OriginPattern[] slots;

    /** Indexes {@code wildcards}, which must all be wildcard entries, without duplicates. */
    SubdomainIndex(List<OriginPattern> wildcards) {
        int capacity = 2;
        // At most half full, so that a miss ends after a probe or two.
        while (capacity < wildcards.size() * 2) {
            capacity <<= 1;
        }
        slots = new OriginPattern[capacity];
        for (OriginPattern wildcard : wildcards) {
            int slot = slot(wildcard.scheme(), wildcard.port(), wildcard.host().hashCode());
            while (slots[slot] != null) {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[slot] = wildcard;
        }
    }

    /** Whether an entry's domain is a proper parent domain of {@code origin}'s host, with the same scheme and port. */
    boolean matches(Origin origin) {
        String host = origin.host();
        int hash = 0;
        int power = 1;
        // hash = String.hashCode() of host[i, end): each character further left weighs 31 times more.
        for (int i = host.length() - 1; i > 0; i--) {
            hash += host.charAt(i) * power;
            power *= 31;
            if (host.charAt(i - 1) == '.' && contains(origin.scheme(), origin.port(), host, i, hash)) {
                return true;
            }
        }
        return false;
    }

    private boolean contains(Scheme scheme, int port, String host, int domainStart, int domainHash) {
        int domainLength = host.length() - domainStart;
        for (int slot = slot(scheme, port, domainHash); slots[slot] != null; slot = (slot + 1) & (slots.length - 1)) {
            OriginPattern entry = slots[slot];
            if (entry.scheme() == scheme
                    && entry.port() == port
                    && entry.host().length() == domainLength
                    && host.regionMatches(domainStart, entry.host(), 0, domainLength)) {
                return true;
            }
        }
        return false;
    }

    private int slot(Scheme scheme, int port, int domainHash) {
        int hash = (domainHash * 31 + port) * 31 + scheme.ordinal();
        return (hash ^ (hash >>> 16)) & (slots.length - 1);
    }
}
