package dev.widgetedge.core.origin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A key's domain allowlist, compiled for matching: immutable and thread-safe, so the gateway can
 * cache one per key and ask it on every request. Exact entries sit in a hash set of origins;
 * wildcard entries in a {@link SubdomainIndex}. A lookup allocates nothing.
 *
 * <p>An empty allowlist allows no origin.
 */
public final class Allowlist {

    /** The allowlist of no entries, which allows nothing. */
    public static final Allowlist EMPTY = of(List.of());

    /**
     * The entries, in order of first appearance. The gateway caches one allowlist per key, a
     * million of them, so the entry texts are not kept: {@link #entries()} builds them.
     */
    private final OriginPattern[] patterns;
    /** Exact entries, each to itself: lookups return the stored (long-lived) instance. */
    private final Map<Origin, Origin> exact;
    private final SubdomainIndex wildcards;

    private Allowlist(OriginPattern[] patterns, Map<Origin, Origin> exact, SubdomainIndex wildcards) {
        this.patterns = patterns;
        this.exact = exact;
        this.wildcards = wildcards;
    }

    /** The allowlist of {@code patterns}; duplicates (after canonicalization) count once. */
    public static Allowlist of(Collection<OriginPattern> patterns) {
        Set<OriginPattern> unique = new LinkedHashSet<>();
        for (OriginPattern pattern : patterns) {
            unique.add(Objects.requireNonNull(pattern, "pattern"));
        }
        List<OriginPattern> kept = new ArrayList<>(unique.size());
        Map<Origin, Origin> exact = new HashMap<>();
        List<OriginPattern> wildcards = new ArrayList<>();
        // acme.com and *.acme.com are often listed together: their hosts are kept once.
        Map<String, String> hosts = new HashMap<>();
        for (OriginPattern pattern : unique) {
            String host = hosts.computeIfAbsent(pattern.host(), same -> same);
            OriginPattern shared = new OriginPattern(pattern.scheme(), host, pattern.port(), pattern.isWildcard());
            kept.add(shared);
            if (shared.isWildcard()) {
                wildcards.add(shared);
            } else {
                Origin origin = new Origin(shared.scheme(), host, shared.port());
                exact.put(origin, origin);
            }
        }
        return new Allowlist(kept.toArray(OriginPattern[]::new), Map.copyOf(exact), new SubdomainIndex(wildcards));
    }

    /**
     * Whether some entry matches {@code origin} (see {@link OriginPattern#matches}); {@code false}
     * for {@code null}. Does not allocate.
     */
    public boolean allows(Origin origin) {
        return origin != null && (exact.containsKey(origin) || wildcards.matches(origin));
    }

    /**
     * The exact entry equal to {@code origin}, or {@code null} when there is none (a wildcard may
     * still allow it). It lives as long as this allowlist, so a caller may keep it instead of
     * {@code origin}.
     */
    public Origin exactEntry(Origin origin) {
        return exact.get(origin);
    }

    /** The canonical entry texts, in order of first appearance, without duplicates. Unmodifiable. */
    public List<String> entries() {
        List<String> entries = new ArrayList<>(patterns.length);
        for (OriginPattern pattern : patterns) {
            entries.add(pattern.toString());
        }
        return List.copyOf(entries);
    }

    public boolean isEmpty() {
        return patterns.length == 0;
    }

    /** Allowlists are equal when they have the same entries in the same order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Allowlist that && Arrays.equals(patterns, that.patterns);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(patterns);
    }

    @Override
    public String toString() {
        return "Allowlist" + entries();
    }
}
