package dev.widgetedge.gateway.decide;

import dev.widgetedge.gateway.report.Tally;

/**
 * The decide path's front: the cached keys most recently used, found by the plaintext key a
 * request carries. The decision cache is keyed by key id, which is a SHA-256 of the key; this
 * table spares that digest for the keys that come again and again, which is most traffic.
 *
 * <p>Direct-mapped: {@value #SLOTS} slots, a key goes to the slot its hash picks and replaces what
 * was there. Entries are published by a plain array write, so readers see either an older entry or
 * a complete new one; a lookup is one array read and one string comparison, with no lock and no
 * allocation. An entry does not keep its {@link CachedKey} valid: callers check
 * {@link CachedKey#isDetached()} and freshness, and an entry that fails the check is simply
 * overwritten by the next use of its slot. Only known keys are put here (never an unknown one), so
 * forged keys cannot push real ones out.
 *
 * <p>Each entry also remembers the origin report's tally of the origin its key allowed last (see
 * {@link CachedKey#decide}): kept here rather than in the cached key, it costs one reference per
 * slot instead of one per cached key.
 *
 * <p>Costs a fixed {@value #SLOTS} references, and keeps up to that many key strings alive.
 */
final class RecentKeys {

    static final int SLOTS = 1 << 14;

    private final Entry[] slots = new Entry[SLOTS];

    /** The entry last put for {@code key}, or {@code null}. */
    Entry get(String key) {
        Entry entry = slots[slot(key)];
        return entry != null && entry.key.equals(key) ? entry : null;
    }

    /** Makes {@code value} the entry of {@code key}'s slot, and returns the entry. */
    Entry put(String key, CachedKey value) {
        Entry entry = new Entry(key, value);
        slots[slot(key)] = entry;
        return entry;
    }

    private static int slot(String key) {
        int hash = key.hashCode();
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }

    /**
     * A tally and the remembered origin it counts: an exact entry of the key's allowlist (its
     * handle, and {@code wildcardOrigin} null), or the text a wildcard allowed ({@code exactEntry} -1).
     */
    record Remembered(int exactEntry, String wildcardOrigin, Tally tally) {
    }

    /** One slot's key, its cached key, and the tally its last allowed origin counts in. */
    static final class Entry {
        final String key;
        final CachedKey value;
        private volatile Remembered remembered;

        private Entry(String key, CachedKey value) {
            this.key = key;
            this.value = value;
        }

        Remembered remembered() {
            return remembered;
        }

        void remember(Remembered tally) {
            remembered = tally;
        }
    }
}
