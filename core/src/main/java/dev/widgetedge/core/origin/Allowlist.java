package dev.widgetedge.core.origin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A key's domain allowlist, compiled for matching: immutable and thread-safe, so the gateway can
 * cache one per key and ask it on every request. A lookup allocates nothing.
 *
 * <p><b>Layout.</b> The gateway holds a million of these, so the entries are packed into one byte
 * array rather than kept as objects: per entry, a kind byte (scheme, and whether it is a
 * wildcard), the port in two bytes, the host's length in one, and the host's ASCII bytes (a
 * canonical host is always ASCII: punycode, an IPv4 dotted quad or a bracketed IPv6 literal, at
 * most 253 characters). An entry is known by its offset in the array. Short lists are matched
 * by walking the entries; a list of more than {@value #INDEXED_ABOVE} entries also gets hash
 * tables of offsets (exact entries by origin, wildcards by their domain), so that its lookups cost
 * the same as a short list's.
 *
 * <p>An empty allowlist allows no origin.
 */
public final class Allowlist {

    /** The allowlist of no entries, which allows nothing. */
    public static final Allowlist EMPTY = of(List.of());

    static final int INDEXED_ABOVE = 8;
    private static final int WILDCARD = 0x80;
    private static final int HEADER = 4;
    private static final Scheme[] SCHEMES = Scheme.values();

    private final byte[] packed;
    /** {@code null} for a short list; else the hash tables (see {@link Index}). */
    private final Index index;

    private Allowlist(byte[] packed, Index index) {
        this.packed = packed;
        this.index = index;
    }

    /** The allowlist of {@code patterns}; duplicates (after canonicalization) count once. */
    public static Allowlist of(Collection<OriginPattern> patterns) {
        Set<OriginPattern> unique = new LinkedHashSet<>();
        for (OriginPattern pattern : patterns) {
            unique.add(Objects.requireNonNull(pattern, "pattern"));
        }
        int size = 0;
        for (OriginPattern pattern : unique) {
            size += HEADER + pattern.host().length();
        }
        byte[] packed = new byte[size];
        int[] offsets = new int[unique.size()];
        int at = 0;
        int entry = 0;
        for (OriginPattern pattern : unique) {
            offsets[entry++] = at;
            at = pack(packed, at, pattern);
        }
        Allowlist allowlist = new Allowlist(packed, null);
        return offsets.length > INDEXED_ABOVE ? new Allowlist(packed, Index.of(allowlist, offsets)) : allowlist;
    }

    private static int pack(byte[] packed, int at, OriginPattern pattern) {
        String host = pattern.host();
        if (host.length() > 255) {
            throw new IllegalArgumentException("host longer than 255 characters: " + host);
        }
        packed[at] = (byte) (pattern.scheme().ordinal() | (pattern.isWildcard() ? WILDCARD : 0));
        packed[at + 1] = (byte) (pattern.port() >>> 8);
        packed[at + 2] = (byte) pattern.port();
        packed[at + 3] = (byte) host.length();
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c > 0x7f) {
                throw new IllegalArgumentException("a canonical host is ASCII: " + host);
            }
            packed[at + HEADER + i] = (byte) c;
        }
        return at + HEADER + host.length();
    }

    /**
     * Whether some entry matches {@code origin} (see {@link OriginPattern#matches}); {@code false}
     * for {@code null}. Does not allocate.
     */
    public boolean allows(Origin origin) {
        if (origin == null) {
            return false;
        }
        if (index != null) {
            return index.exact(origin) >= 0 || index.matchesWildcard(origin);
        }
        for (int at = 0; at < packed.length; at = next(at)) {
            if (matches(at, origin)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exact entry equal to {@code origin}, as an entry handle for {@link #isEntrySerializedAs},
     * or {@code -1} when there is none (a wildcard may still allow it).
     */
    public int exactEntry(Origin origin) {
        if (index != null) {
            return index.exact(origin);
        }
        for (int at = 0; at < packed.length; at = next(at)) {
            if (!isWildcard(at) && matches(at, origin)) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Whether {@code text} is exactly the serialization of the exact entry {@code entry} (from
     * {@link #exactEntry}): what a browser's {@code Origin} header is for that origin. Compared
     * without building the text; no allocation.
     */
    public boolean isEntrySerializedAs(int entry, CharSequence text) {
        String schemeText = scheme(entry).text();
        int length = text.length();
        int at = 0;
        for (int i = 0; i < schemeText.length(); i++, at++) {
            if (at >= length || text.charAt(at) != schemeText.charAt(i)) {
                return false;
            }
        }
        for (int i = 0; i < 3; i++, at++) {
            if (at >= length || text.charAt(at) != "://".charAt(i)) {
                return false;
            }
        }
        int hostLength = hostLength(entry);
        for (int i = 0; i < hostLength; i++, at++) {
            if (at >= length || text.charAt(at) != (char) packed[entry + HEADER + i]) {
                return false;
            }
        }
        int port = port(entry);
        if (port == scheme(entry).defaultPort()) {
            return at == length;
        }
        return isPortSerializedAs(text, at, port);
    }

    /**
     * Whether {@code text} ends, from {@code at}, with {@code ':'} and {@code port} in decimal without
     * leading zeros. Kept out of {@link #isEntrySerializedAs}, which runs on every request from a
     * remembered origin: with it, that method's bytecode was 329 bytes, past the 325 up to which the
     * JIT inlines a hot method, so the decide path called it instead.
     */
    private static boolean isPortSerializedAs(CharSequence text, int at, int port) {
        int length = text.length();
        if (at >= length || text.charAt(at) != ':') {
            return false;
        }
        int value = 0;
        int digits = 0;
        for (int i = at + 1; i < length; i++, digits++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || digits > 5) {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return digits > 0 && text.charAt(at + 1) != '0' && value == port;
    }

    /** The canonical entry texts, in order of first appearance, without duplicates. Unmodifiable. */
    public List<String> entries() {
        List<String> entries = new ArrayList<>();
        for (int at = 0; at < packed.length; at = next(at)) {
            String host = new String(packed, at + HEADER, hostLength(at), StandardCharsets.US_ASCII);
            entries.add(OriginSyntax.serialize(scheme(at), isWildcard(at), host, port(at)));
        }
        return List.copyOf(entries);
    }

    public boolean isEmpty() {
        return packed.length == 0;
    }

    /** Allowlists are equal when they have the same entries in the same order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Allowlist that && Arrays.equals(packed, that.packed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(packed);
    }

    @Override
    public String toString() {
        return "Allowlist" + entries();
    }

    private int next(int entry) {
        return entry + HEADER + hostLength(entry);
    }

    private boolean isWildcard(int entry) {
        return (packed[entry] & WILDCARD) != 0;
    }

    private Scheme scheme(int entry) {
        return SCHEMES[packed[entry] & ~WILDCARD & 0xff];
    }

    private int port(int entry) {
        return (packed[entry + 1] & 0xff) << 8 | packed[entry + 2] & 0xff;
    }

    private int hostLength(int entry) {
        return packed[entry + 3] & 0xff;
    }

    /** Whether the entry at {@code entry} matches {@code origin}, by {@link OriginPattern#matches}'s rules. */
    private boolean matches(int entry, Origin origin) {
        if (scheme(entry) != origin.scheme() || port(entry) != origin.port()) {
            return false;
        }
        String host = origin.host();
        int domainLength = hostLength(entry);
        if (!isWildcard(entry)) {
            return host.length() == domainLength && hostEndsWith(entry, host, 0);
        }
        // One or more labels in front of the domain: the text before it ends with a dot.
        int start = host.length() - domainLength;
        return start >= 2 && host.charAt(start - 1) == '.' && hostEndsWith(entry, host, start);
    }

    /** Whether {@code host[start..]} is the entry's host, byte for character. */
    private boolean hostEndsWith(int entry, String host, int start) {
        int hostLength = hostLength(entry);
        if (host.length() - start != hostLength) {
            return false;
        }
        for (int i = 0; i < hostLength; i++) {
            if (host.charAt(start + i) != (char) packed[entry + HEADER + i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code String.hashCode()} of the entry's host. */
    private int hostHash(int entry) {
        int hash = 0;
        for (int i = 0; i < hostLength(entry); i++) {
            hash = 31 * hash + packed[entry + HEADER + i];
        }
        return hash;
    }

    /**
     * Hash tables of entry offsets for a long list, in open addressing, each at most half full:
     * exact entries by (scheme, host, port); wildcards by (scheme, port, domain). A wildcard lookup
     * walks the host's label boundaries from the right and probes once per parent domain
     * ({@code b.acme.com}, {@code acme.com}, {@code com} for {@code a.b.acme.com}); each parent's
     * hash is built character by character as the walk proceeds and equals
     * {@link String#hashCode()} of that domain, so a lookup allocates nothing and costs a few
     * probes, however many entries there are.
     */
    private static final class Index {

        private final Allowlist allowlist;
        /** Offset + 1 of each exact entry; 0 is an empty slot. */
        private final int[] exact;
        /** Offset + 1 of each wildcard entry; 0 is an empty slot. */
        private final int[] wildcards;

        private Index(Allowlist allowlist, int[] exact, int[] wildcards) {
            this.allowlist = allowlist;
            this.exact = exact;
            this.wildcards = wildcards;
        }

        static Index of(Allowlist allowlist, int[] offsets) {
            int exactCount = 0;
            for (int offset : offsets) {
                exactCount += allowlist.isWildcard(offset) ? 0 : 1;
            }
            int[] exact = new int[capacity(exactCount)];
            int[] wildcards = new int[capacity(offsets.length - exactCount)];
            for (int offset : offsets) {
                boolean wildcard = allowlist.isWildcard(offset);
                int[] table = wildcard ? wildcards : exact;
                int slot = slot(table, allowlist.scheme(offset), allowlist.port(offset), allowlist.hostHash(offset));
                while (table[slot] != 0) {
                    slot = (slot + 1) & (table.length - 1);
                }
                table[slot] = offset + 1;
            }
            return new Index(allowlist, exact, wildcards);
        }

        private static int capacity(int entries) {
            int capacity = 2;
            while (capacity < entries * 2) {
                capacity <<= 1;
            }
            return capacity;
        }

        private static int slot(int[] table, Scheme scheme, int port, int hostHash) {
            int hash = (hostHash * 31 + port) * 31 + scheme.ordinal();
            return (hash ^ (hash >>> 16)) & (table.length - 1);
        }

        /** The offset of the exact entry equal to {@code origin}, or -1. */
        int exact(Origin origin) {
            int slot = slot(exact, origin.scheme(), origin.port(), origin.host().hashCode());
            for (; exact[slot] != 0; slot = (slot + 1) & (exact.length - 1)) {
                int offset = exact[slot] - 1;
                if (allowlist.matches(offset, origin)) {
                    return offset;
                }
            }
            return -1;
        }

        /** Whether a wildcard entry's domain is a proper parent domain of {@code origin}'s host. */
        boolean matchesWildcard(Origin origin) {
            String host = origin.host();
            int hash = 0;
            int power = 1;
            // hash = String.hashCode() of host[i, end): each character further left weighs 31 times more.
            for (int i = host.length() - 1; i > 0; i--) {
                hash += host.charAt(i) * power;
                power *= 31;
                if (host.charAt(i - 1) == '.' && containsWildcard(origin, hash)) {
                    return true;
                }
            }
            return false;
        }

        private boolean containsWildcard(Origin origin, int domainHash) {
            int slot = slot(wildcards, origin.scheme(), origin.port(), domainHash);
            for (; wildcards[slot] != 0; slot = (slot + 1) & (wildcards.length - 1)) {
                if (allowlist.matches(wildcards[slot] - 1, origin)) {
                    return true;
                }
            }
            return false;
        }
    }
}
