package dev.widgetedge.core.key;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Base62 digits, alphabet {@code 0-9A-Za-z} in that order (digit value = index in
 * {@link #ALPHABET}). Stateless and thread-safe.
 */
public final class Base62 {

    /** The 62 digits in value order. */
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static final int BASE = ALPHABET.length();

    /** Digit value of every ASCII character, -1 for non-digits; the gateway checks keys with it per request. */
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < BASE; i++) {
            VALUES[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    private Base62() {
    }

    /** The value (0–61) of the digit {@code c}, or -1 when {@code c} is not a base62 digit. Does not allocate. */
    public static int valueOf(char c) {
        return c < VALUES.length ? VALUES[c] : -1;
    }

    /**
     * {@code length} digits drawn independently and uniformly from {@code random}.
     *
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static String random(SecureRandom random, int length) {
        Objects.requireNonNull(random, "random");
        if (length < 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
        }
        char[] digits = new char[length];
        // About 3% of draws are rejected, so a little slack usually fills the key in one call.
        byte[] bytes = new byte[length + 8];
        int filled = 0;
        while (filled < length) {
            random.nextBytes(bytes);
            for (int i = 0; i < bytes.length && filled < length; i++) {
                int sixBits = bytes[i] & 0x3F;
                // Rejecting 62 and 63, rather than reducing modulo 62, keeps every digit equally likely.
                if (sixBits < BASE) {
                    digits[filled++] = ALPHABET.charAt(sixBits);
                }
            }
        }
        return new String(digits);
    }

    /**
     * Writes {@code value} as exactly {@code width} digits into {@code out[offset, offset + width)},
     * most significant digit first, left-padded with {@code '0'}. Nothing is written when it throws.
     *
     * @throws IllegalArgumentException if {@code value} is negative or needs more than {@code width} digits
     * @throws IndexOutOfBoundsException if the digits would not fit in {@code out}
     */
    public static void encodePadded(long value, int width, char[] out, int offset) {
        if (value < 0) {
            throw new IllegalArgumentException("value: " + value + " (expected: >= 0)");
        }
        if (width < 0) {
            throw new IllegalArgumentException("width: " + width + " (expected: >= 0)");
        }
        Objects.checkFromIndexSize(offset, width, out.length);
        if (!fits(value, width)) {
            throw new IllegalArgumentException(value + " needs more than " + width + " base62 digits");
        }
        long rest = value;
        for (int i = offset + width - 1; i >= offset; i--) {
            out[i] = ALPHABET.charAt((int) (rest % BASE));
            rest /= BASE;
        }
    }

    /**
     * {@code value} as exactly {@code width} digits, most significant first, left-padded with {@code '0'}.
     *
     * @throws IllegalArgumentException if {@code value} is negative or needs more than {@code width} digits
     */
    public static String encodePadded(long value, int width) {
        if (width < 0) {
            throw new IllegalArgumentException("width: " + width + " (expected: >= 0)");
        }
        char[] digits = new char[width];
        encodePadded(value, width, digits, 0);
        return new String(digits);
    }

    private static boolean fits(long value, int width) {
        long rest = value;
        for (int i = 0; i < width && rest != 0; i++) {
            rest /= BASE;
        }
        return rest == 0;
    }
}
