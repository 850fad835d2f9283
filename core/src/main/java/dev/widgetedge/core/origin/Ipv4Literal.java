package dev.widgetedge.core.origin;

/**
 * IPv4 addresses in hosts. Only the canonical dotted quad is accepted ({@code 127.0.0.1}); URL
 * parsers also read {@code 127.1}, {@code 0x7f.0.0.1} and {@code 0177.0.0.1} as that address,
 * and refusing those spellings keeps one address to one spelling, so that an allowlist entry and
 * an {@code Origin} header can be compared as text.
 */
final class Ipv4Literal {

    private static final int OCTETS = 4;
    private static final int MAX_OCTET = 255;
    private static final int MAX_OCTET_DIGITS = 3;

    private Ipv4Literal() {
    }

    /**
     * The address written in {@code chars[start, end)} as four decimal octets 0–255 without
     * leading zeros, as an unsigned 32-bit value, or -1 when it is not written that way.
     */
    static long parse(CharSequence chars, int start, int end) {
        long address = 0;
        int i = start;
        for (int octet = 0; octet < OCTETS; octet++) {
            if (octet > 0) {
                if (i == end || chars.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
            int digitsStart = i;
            int value = 0;
            while (i < end && i - digitsStart < MAX_OCTET_DIGITS && AsciiChars.isDigit(chars.charAt(i))) {
                value = value * 10 + (chars.charAt(i) - '0');
                i++;
            }
            int digits = i - digitsStart;
            if (digits == 0 || value > MAX_OCTET || (digits > 1 && chars.charAt(digitsStart) == '0')) {
                return -1;
            }
            address = address << 8 | value;
        }
        return i == end ? address : -1;
    }

    /**
     * Whether the host name {@code chars[start, end)} (without a trailing dot) ends in a number:
     * its last label is all decimal digits, or {@code 0x} followed by hex digits. The WHATWG URL
     * parser reads such a host as an IPv4 address, so it must not pass as a domain name.
     */
    static boolean endsInNumber(CharSequence chars, int start, int end) {
        int dot = AsciiChars.lastIndexOf(chars, '.', start, end);
        int label = dot < 0 ? start : dot + 1;
        if (label == end) {
            return false;
        }
        if (allMatch(chars, label, end, false)) {
            return true;
        }
        return end - label >= 2
                && chars.charAt(label) == '0'
                && (chars.charAt(label + 1) == 'x' || chars.charAt(label + 1) == 'X')
                && allMatch(chars, label + 2, end, true);
    }

    private static boolean allMatch(CharSequence chars, int start, int end, boolean hex) {
        for (int i = start; i < end; i++) {
            char c = chars.charAt(i);
            if (hex ? AsciiChars.hexValue(c) < 0 : !AsciiChars.isDigit(c)) {
                return false;
            }
        }
        return true;
    }
}
