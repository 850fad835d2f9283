package dev.widgetedge.gateway.decide;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A Bloom filter of widget-key ids, sized for a capacity at a false-positive rate of at most
 * {@value #FALSE_POSITIVE_RATE}: {@link #mightContain} is never wrong about an id that was added,
 * and wrong about at most that share of the others while no more than {@code capacity} ids are in.
 * It is sized for {@value #DESIGN_RATE}, so that the bound holds with a margin (about 10 bits an id).
 *
 * <p>A key id is already the output of SHA-256, so its bits are uniformly distributed: the probes
 * are derived from the id's two halves (double hashing, after a finalizing mix that spreads the
 * fixed UUID version and variant bits) instead of hashing the id again. That is why this is not a
 * general-purpose filter such as Guava's, which would hash every id once more and allocate a
 * hasher per check.
 *
 * <p>Thread-safe and lock-free: {@link #add} may run concurrently with {@link #mightContain};
 * neither allocates.
 */
final class KeyIdFilter {

    static final double FALSE_POSITIVE_RATE = 0.01;
    static final double DESIGN_RATE = 0.008;

    private final AtomicLongArray words;
    private final long bits;
    private final int probes;
    private final long capacity;
    private final AtomicLong added = new AtomicLong();

    private KeyIdFilter(long capacity) {
        this.capacity = capacity;
        double ln2 = Math.log(2);
        long wanted = (long) Math.ceil(-capacity * Math.log(DESIGN_RATE) / (ln2 * ln2));
        long wordCount = Math.max(1, (wanted + 63) / 64);
        if (wordCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: at most about 1.4e11)");
        }
        this.words = new AtomicLongArray((int) wordCount);
        this.bits = wordCount * 64;
        this.probes = Math.max(1, (int) Math.round(bits / (double) capacity * ln2));
    }

    /** An empty filter for up to {@code capacity} ids at the target false-positive rate. */
    static KeyIdFilter withCapacity(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        return new KeyIdFilter(capacity);
    }

    /** Adds {@code id}. */
    void add(UUID id) {
        add(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** Adds the id with these two halves. */
    void add(long mostSignificantBits, long leastSignificantBits) {
        long h1 = mix(mostSignificantBits);
        long h2 = mix(leastSignificantBits) | 1;
        boolean changed = false;
        for (int i = 0; i < probes; i++) {
            long bit = Math.floorMod(h1 + i * h2, bits);
            int word = (int) (bit >>> 6);
            long mask = 1L << bit;
            if ((words.get(word) & mask) == 0) {
                words.getAndAccumulate(word, mask, (current, set) -> current | set);
                changed = true;
            }
        }
        if (changed) {
            added.incrementAndGet();
        }
    }

    /** {@code false} only if {@code id} was never added. */
    boolean mightContain(UUID id) {
        long h1 = mix(id.getMostSignificantBits());
        long h2 = mix(id.getLeastSignificantBits()) | 1;
        for (int i = 0; i < probes; i++) {
            long bit = Math.floorMod(h1 + i * h2, bits);
            if ((words.get((int) (bit >>> 6)) & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The ids the filter is sized for. */
    long capacity() {
        return capacity;
    }

    /**
     * About how many distinct ids were added: additions that set no new bit (a repeat, or a rare
     * collision) are not counted.
     */
    long approximateCount() {
        return added.get();
    }

    /** The heap the bits take. */
    long sizeBytes() {
        return bits / 8;
    }

    /** Murmur3's 64-bit finalizer: every input bit affects every output bit. */
    private static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
