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
    /** More probes than any sizing here makes (7 at the design rate): a restored filter is refused past it. */
    static final int MAX_PROBES = 32;

    private final AtomicLongArray words;
    private final long bits;
    private final int probes;
    private final long capacity;
    private final AtomicLong added = new AtomicLong();

    private KeyIdFilter(long capacity, AtomicLongArray words, int probes, long added) {
        this.capacity = capacity;
        this.words = words;
        this.bits = words.length() * 64L;
        this.probes = probes;
        this.added.set(added);
    }

    /** An empty filter for up to {@code capacity} ids at the target false-positive rate. */
    static KeyIdFilter withCapacity(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        double ln2 = Math.log(2);
        long wanted = (long) Math.ceil(-capacity * Math.log(DESIGN_RATE) / (ln2 * ln2));
        long wordCount = Math.max(1, (wanted + 63) / 64);
        if (wordCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: at most about 1.4e11)");
        }
        int probes = Math.max(1, (int) Math.round(wordCount * 64 / (double) capacity * ln2));
        return new KeyIdFilter(capacity, new AtomicLongArray((int) wordCount), probes, 0);
    }

    /**
     * The filter whose state {@link #capacity}, {@link #probes}, {@link #word} and
     * {@link #approximateCount} read out: how a snapshot is restored. The probes are derived from
     * the id as they always are here, so only bits written by this class's {@link #add} make sense.
     */
    static KeyIdFilter restored(long capacity, int probes, long[] words, long added) {
        if (capacity < 1 || probes < 1 || probes > MAX_PROBES || words.length == 0 || added < 0) {
            throw new IllegalArgumentException("capacity " + capacity + ", " + probes + " probes, " + words.length
                    + " words, " + added + " ids (expected: all positive, at most " + MAX_PROBES + " probes)");
        }
        return new KeyIdFilter(capacity, new AtomicLongArray(words), probes, added);
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

    /** How many bits an id sets. */
    int probes() {
        return probes;
    }

    /** How many 64-bit words hold the bits. */
    int wordCount() {
        return words.length();
    }

    /**
     * Word {@code index} of the bits, as it is now: read word by word while ids are added, the
     * words hold at least every id added before the first was read.
     */
    long word(int index) {
        return words.get(index);
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
