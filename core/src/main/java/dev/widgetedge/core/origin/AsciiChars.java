package dev.widgetedge.core.origin;

/**
 * ASCII character tests for the origin parsers. Deliberately not {@link Character}'s
 * Unicode-aware methods: {@code Character.toLowerCase} turns the Kelvin sign (U+212A) into
 * {@code k}, and a parser using it would accept the sign where only ASCII may stand.
 */
final class AsciiChars {

    private AsciiChars() {
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isUpperCase(char c) {
        return c >= 'A' && c <= 'Z';
    }

    /** The value of a hexadecimal digit (either case), or -1. */
    static int hexValue(char c) {
        if (isDigit(c)) {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static char toLowerCase(char c) {
        return isUpperCase(c) ? (char) (c + ('a' - 'A')) : c;
    }

    /** Whether {@code chars[start, end)} equals {@code lowerCase}, ignoring ASCII case. */
    static boolean equalsIgnoreCase(CharSequence chars, int start, int end, String lowerCase) {
        if (end - start != lowerCase.length()) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (toLowerCase(chars.charAt(i)) != lowerCase.charAt(i - start)) {
                return false;
            }
        }
        return true;
    }

    /** The first index of {@code c} in {@code chars[start, end)}, or -1. */
    static int indexOf(CharSequence chars, char c, int start, int end) {
        for (int i = start; i < end; i++) {
            if (chars.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** The last index of {@code c} in {@code chars[start, end)}, or -1. */
    static int lastIndexOf(CharSequence chars, char c, int start, int end) {
        for (int i = end - 1; i >= start; i--) {
            if (chars.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** {@code chars[start, end)} with ASCII letters lowercased; a plain copy when there are none to fold. */
    static String toLowerCase(CharSequence chars, int start, int end) {
        if (indexOfUpperCase(chars, start, end) < 0) {
            return chars.subSequence(start, end).toString();
        }
        char[] lower = new char[end - start];
        for (int i = start; i < end; i++) {
            lower[i - start] = toLowerCase(chars.charAt(i));
        }
        return new String(lower);
    }

    private static int indexOfUpperCase(CharSequence chars, int start, int end) {
        for (int i = start; i < end; i++) {
            if (isUpperCase(chars.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
