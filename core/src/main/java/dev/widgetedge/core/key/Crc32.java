package dev.widgetedge.core.key;

/**
 * CRC-32 (IEEE 802.3, reflected polynomial {@code 0xEDB88320}), the same function as
 * {@link java.util.zip.CRC32}, computed over characters instead of bytes.
 *
 * <p>It exists because the gateway checks the checksum of every key it sees: reading the
 * characters directly needs neither a byte array nor a {@code CRC32} instance per request.
 */
final class Crc32 {

    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < TABLE.length; n++) {
            int c = n;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
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
        int crc = 0xFFFFFFFF;
        for (int i = start; i < end; i++) {
            crc = TABLE[(crc ^ chars.charAt(i)) & 0xFF] ^ (crc >>> 8);
        }
        return ~crc & 0xFFFFFFFFL;
    }
}
