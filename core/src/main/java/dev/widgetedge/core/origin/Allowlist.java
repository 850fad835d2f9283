package dev.widgetedge.core.origin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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

    private final List<String> entries;
    private final Set<Origin> exact;
    private final SubdomainIndex wildcards;

    private Allowlist(List<String> entries, Set<Origin> exact, SubdomainIndex wildcards) {
        this.entries = entries;
        this.exact = exact;
        this.wildcards = wildcards;
    }

    /** The allowlist of {@code patterns}; duplicates (after canonicalization) count once. */
    public static Allowlist of(Collection<OriginPattern> patterns) {
        Set<OriginPattern> unique = new LinkedHashSet<>();
        for (OriginPattern pattern : patterns) {
            unique.add(Objects.requireNonNull(pattern, "pattern"));
        }
        List<String> entries = new ArrayList<>(unique.size());
        Set<Origin> exact = new HashSet<>();
        List<OriginPattern> wildcards = new ArrayList<>();
        for (OriginPattern pattern : unique) {
            entries.add(pattern.toString());
            if (pattern.isWildcard()) {
                wildcards.add(pattern);
            } else {
                exact.add(new Origin(pattern.scheme(), pattern.host(), pattern.port()));
            }
        }
        return new Allowlist(List.copyOf(entries), Set.copyOf(exact), new SubdomainIndex(wildcards));
    }

    /**
     * Whether some entry matches {@code origin} (see {@link OriginPattern#matches}); {@code false}
     * for {@code null}. Does not allocate.
     */
    public boolean allows(Origin origin) {
        return origin != null && (exact.contains(origin) || wildcards.matches(origin));
    }

    /** The canonical entry texts, in order of first appearance, without duplicates. Unmodifiable. */
    public List<String> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Allowlists are equal when they have the same entries in the same order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Allowlist that && entries.equals(that.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "Allowlist" + entries;
    }
}
