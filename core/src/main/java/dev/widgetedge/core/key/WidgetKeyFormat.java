package dev.widgetedge.core.key;

import java.security.SecureRandom;

/**
 * The widget key format: {@value #PREFIX}, then 30 base62 digits from a CSPRNG, then 6 base62
 * digits encoding the CRC-32 (IEEE, as {@link java.util.zip.CRC32}) of the 38 characters before
 * them, most significant digit first, left-padded with {@code '0'}; {@value #LENGTH} characters in
 * all.
 *
 * <p>The checksum is not a secret and proves nothing about a key's validity; it lets the gateway
 * turn away typos and random probes without a cache or store lookup. Stateless and thread-safe.
 */
public final class WidgetKeyFormat {

    public static final String PREFIX = "pk_live_";
    public static final int LENGTH = 44;

    private static final int RANDOM_DIGITS = 30;
    private static final int CHECKSUM_DIGITS = 6;
    private static final int CHECKED_LENGTH = LENGTH - CHECKSUM_DIGITS;
    /** The CRC register after the constant prefix, folded once rather than per key checked. */
    private static final int PREFIX_CRC = Crc32.update(Crc32.INITIAL, PREFIX, 0, PREFIX.length());
    private static final int LAST_CHARS_SHOWN = 8;

    private static final SecureRandom SHARED_RANDOM = new SecureRandom();

    private WidgetKeyFormat() {
    }

    /** A new key whose random part is drawn from {@code random}. */
    public static String mint(SecureRandom random) {
        String checked = PREFIX + Base62.random(random, RANDOM_DIGITS);
        return checked + Base62.encodePadded(Crc32.of(checked, 0, CHECKED_LENGTH), CHECKSUM_DIGITS);
    }

    /** A new key from a process-wide {@link SecureRandom} (which is safe to share between threads). */
    public static String mint() {
        return mint(SHARED_RANDOM);
    }

    /**
     * Whether {@code candidate} has the key's shape (prefix, length, base62 digits) and a matching
     * checksum. Never throws: {@code null} and text of any length or content give {@code false}.
     * Does not allocate, so the gateway calls it on every request before any lookup.
     */
    public static boolean isWellFormed(CharSequence candidate) {
        if (candidate == null || candidate.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < PREFIX.length(); i++) {
            if (candidate.charAt(i) != PREFIX.charAt(i)) {
                return false;
            }
        }
        long written = 0;
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            int digit = Base62.valueOf(candidate.charAt(i));
            if (digit < 0) {
                return false;
            }
            if (i >= CHECKED_LENGTH) {
                written = written * 62 + digit;
            }
        }
        // Six padded digits decode one-to-one to [0, 62^6), so comparing values compares the digits.
        return written == Crc32.finish(Crc32.update(PREFIX_CRC, candidate, PREFIX.length(), CHECKED_LENGTH));
    }

    /**
     * The last 8 characters of {@code key}, the only part of a key that listings and logs show.
     *
     * @throws IllegalArgumentException if {@code key} is shorter than 8 characters
     */
    public static String last8(String key) {
        if (key.length() < LAST_CHARS_SHOWN) {
            throw new IllegalArgumentException("a key has at least " + LAST_CHARS_SHOWN + " characters");
        }
        return key.substring(key.length() - LAST_CHARS_SHOWN);
    }
}
