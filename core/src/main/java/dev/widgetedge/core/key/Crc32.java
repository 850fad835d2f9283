package dev.widgetedge.core.key;

/**
 * CRC-32 (IEEE 802.3, reflected polynomial {@code 0xEDB88320}), the same function as
 * {@link java.util.zip.CRC32}, computed over characters instead of bytes.
 *
 * <p>It exists because the gateway checks the checksum of every key it sees: reading the
 * characters directly needs neither a byte array nor a {@code CRC32} instance per request. Four
 * characters are folded per step ("slicing-by-4"), and a key's fixed prefix can be folded once
 * ahead of time with {@link #update}.
 */
final class Crc32 {

    /** The register before any input. */
    static final int INITIAL = 0xFFFFFFFF;

    private static final int[][] TABLES = new int[4][256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLES[0][n] = c;
        }
        for (int n = 0; n < 256; n++) {
            for (int k = 1; k < 4; k++) {
                int previous = TABLES[k - 1][n];
                TABLES[k][n] = TABLES[0][previous & 0xFF] ^ (previous >>> 8);
            }
        }
    }

    private Crc32() {
    }

    /**
     * The CRC-32 of {@code chars[start, end)} taken as one byte per character, which equals
     * {@code java.util.zip.CRC32} over their US-ASCII encoding. Callers pass ASCII only: the high
     * byte of a wider character is ignored. Does not allocate.
     *
     * @return the checksum as an unsigned 32-bit value
     */
    static long of(CharSequence chars, int start, int end) {
        return finish(update(INITIAL, chars, start, end));
    }

    /** Folds {@code chars[start, end)} into the register {@code crc}; see {@link #of}. */
    static int update(int crc, CharSequence chars, int start, int end) {
        int[] t0 = TABLES[0];
        int[] t1 = TABLES[1];
        int[] t2 = TABLES[2];
        int[] t3 = TABLES[3];
        int i = start;
        for (; i + 4 <= end; i += 4) {
            int word = crc ^ ((chars.charAt(i) & 0xFF)
                    | (chars.charAt(i + 1) & 0xFF) << 8
                    | (chars.charAt(i + 2) & 0xFF) << 16
                    | (chars.charAt(i + 3) & 0xFF) << 24);
            crc = t3[word & 0xFF] ^ t2[(word >>> 8) & 0xFF] ^ t1[(word >>> 16) & 0xFF] ^ t0[word >>> 24];
        }
        for (; i < end; i++) {
            crc = t0[(crc ^ chars.charAt(i)) & 0xFF] ^ (crc >>> 8);
        }
        return crc;
    }

    /** The checksum of a register: {@link #update}'s result, finished. */
    static long finish(int crc) {
        return ~crc & 0xFFFFFFFFL;
    }
}
