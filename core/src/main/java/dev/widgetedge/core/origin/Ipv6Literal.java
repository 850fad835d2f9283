package dev.widgetedge.core.origin;

import java.util.Arrays;

/**
 * IPv6 addresses in hosts, written in brackets ({@code [::1]}). Parsed by hand, following the
 * WHATWG URL standard's IPv6 parser, rather than with {@link java.net.InetAddress}, which may
 * resolve names: parsing an origin must never do I/O. Zone identifiers ({@code %25eth0}) are not
 * accepted; browsers do not send them.
 */
final class Ipv6Literal {

    private static final int PIECES = 8;
    private static final int MAX_PIECE_DIGITS = 4;

    private Ipv6Literal() {
    }

    /**
     * The canonical form of the bracketed literal {@code chars[start, end)}, where
     * {@code chars[start]} is {@code '['}: RFC 5952 text (lowercase hex, no leading zeros, the
     * first longest run of two or more zero pieces written {@code ::}) in brackets; or {@code null}
     * when it is not an IPv6 address. Like browsers, an embedded IPv4 part comes out as hex:
     * {@code [::ffff:1.2.3.4]} becomes {@code [::ffff:102:304]}.
     */
    static String canonical(CharSequence chars, int start, int end) {
        if (end - start < 2 || chars.charAt(end - 1) != ']') {
            return null;
        }
        int[] pieces = parse(chars, start + 1, end - 1);
        return pieces == null ? null : serialize(pieces);
    }

    private static int[] parse(CharSequence chars, int start, int end) {
        int[] pieces = new int[PIECES];
        int piece = 0;
        // Index of the piece where "::" stood; the pieces written after it move to the end.
        int compress = -1;
        int i = start;
        if (i < end && chars.charAt(i) == ':') {
            if (i + 1 == end || chars.charAt(i + 1) != ':') {
                return null;
            }
            i += 2;
            compress = ++piece;
        }
        while (i < end) {
            if (piece == PIECES) {
                return null;
            }
            if (chars.charAt(i) == ':') {
                if (compress >= 0) {
                    return null;
                }
                i++;
                compress = ++piece;
                continue;
            }
            int value = 0;
            int digits = 0;
            while (digits < MAX_PIECE_DIGITS && i < end && AsciiChars.hexValue(chars.charAt(i)) >= 0) {
                value = value * 16 + AsciiChars.hexValue(chars.charAt(i));
                i++;
                digits++;
            }
            if (i < end && chars.charAt(i) == '.') {
                // The digits just read start an IPv4 part, which fills the last two pieces.
                long ipv4 = digits == 0 || piece > PIECES - 2 ? -1 : Ipv4Literal.parse(chars, i - digits, end);
                if (ipv4 < 0) {
                    return null;
                }
                pieces[piece++] = (int) (ipv4 >>> 16);
                pieces[piece++] = (int) (ipv4 & 0xFFFF);
                break;
            }
            if (i < end && chars.charAt(i) == ':') {
                i++;
                if (i == end) {
                    return null;
                }
            } else if (i < end) {
                return null;
            }
            pieces[piece++] = value;
        }
        if (compress >= 0) {
            int moved = piece - compress;
            System.arraycopy(pieces, compress, pieces, PIECES - moved, moved);
            Arrays.fill(pieces, compress, PIECES - moved, 0);
        } else if (piece != PIECES) {
            return null;
        }
        return pieces;
    }

    private static String serialize(int[] pieces) {
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < PIECES; ) {
            int j = i;
            while (j < PIECES && pieces[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(41).append('[');
        for (int i = 0; i < PIECES; i++) {
            if (i == runStart) {
                out.append(i == 0 ? "::" : ":");
                i += runLength - 1;
                continue;
            }
            out.append(Integer.toHexString(pieces[i]));
            if (i < PIECES - 1) {
                out.append(':');
            }
        }
        return out.append(']').toString();
    }
}
