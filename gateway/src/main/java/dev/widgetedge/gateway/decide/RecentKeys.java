package dev.widgetedge.gateway.decide;

/**
 * The decide path's front: the cached keys most recently used, found by the plaintext key a
 * request carries. The decision cache is keyed by key id, which is a SHA-256 of the key; this
 * table spares that digest for the keys that come again and again, which is most traffic.
 *
 * <p>Direct-mapped: {@value #SLOTS} slots, a key goes to the slot its hash picks and replaces what
 * was there. Entries are immutable and published by a plain array write, so readers see either an
 * older entry or a complete new one; a lookup is one array read and one string comparison, with no
 * lock and no allocation. An entry does not keep its {@link CachedKey} valid: callers check
 * {@link CachedKey#isDetached()} and freshness, and an entry that fails the check is simply
 * overwritten by the next use of its slot. Only known keys are put here (never an unknown one), so
 * forged keys cannot push real ones out.
 *
 * <p>Costs a fixed {@value #SLOTS} references, and keeps up to that many key strings alive.
 */
final class RecentKeys {

    static final int SLOTS = 1 << 14;

    private final Entry[] slots = new Entry[SLOTS];

    /** The cached key last put for {@code key}, or {@code null}. */
    CachedKey get(String key) {
        Entry entry = slots[slot(key)];
        return entry != null && entry.key.equals(key) ? entry.value : null;
    }

    /** Makes {@code value} the entry of {@code key}'s slot. */
    void put(String key, CachedKey value) {
        slots[slot(key)] = new Entry(key, value);
    }

    private static int slot(String key) {
        int hash = key.hashCode();
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }

    private record Entry(String key, CachedKey value) {
    }
}
