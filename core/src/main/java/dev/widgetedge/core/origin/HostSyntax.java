package dev.widgetedge.core.origin;

import static dev.widgetedge.core.origin.Defect.INVALID_HOST;
import static dev.widgetedge.core.origin.Defect.NO_HOST;
import static dev.widgetedge.core.origin.Defect.WILDCARD_OVER_IP_ADDRESS;
import static dev.widgetedge.core.origin.Defect.WILDCARD_OVER_TLD;
import static dev.widgetedge.core.origin.Defect.WILDCARD_WITHOUT_DOMAIN;
import static dev.widgetedge.core.origin.Rejection.reject;

import java.net.IDN;

/**
 * Hosts: turns the host part of an origin into the one text that every spelling of that host
 * shares, so that hosts compare as plain strings afterwards.
 *
 * <p>A canonical host is one of: a domain name in lowercase ASCII (internationalized labels in
 * punycode, via IDNA2003 {@link IDN#toASCII(String, int)}), without a trailing dot, made of labels
 * of letters, digits, {@code -} and {@code _} (1–63 characters, not starting or ending with
 * {@code -}, 253 at most in all); an IPv4 dotted quad ({@link Ipv4Literal}); or an IPv6 literal in
 * brackets ({@link Ipv6Literal}).
 */
final class HostSyntax {

    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private HostSyntax() {
    }

    /**
     * The canonical form of the host written in {@code chars[start, end)}, or {@code null} (with
     * the reason given to {@code why}) when it is not a valid host. Never does I/O. Allocates only
     * the result, except for non-ASCII hosts, which go through {@link IDN}.
     *
     * @param wildcardBase whether the host followed a {@code *.} label in an allowlist entry; it
     *     must then be a domain name of at least two labels
     */
    static String canonical(CharSequence chars, int start, int end, boolean wildcardBase, Rejection why) {
        if (start == end) {
            return reject(why, wildcardBase ? WILDCARD_WITHOUT_DOMAIN : NO_HOST);
        }
        if (chars.charAt(start) == '[') {
            if (wildcardBase) {
                return reject(why, WILDCARD_OVER_IP_ADDRESS);
            }
            String literal = Ipv6Literal.canonical(chars, start, end);
            return literal != null ? literal : reject(why, INVALID_HOST);
        }
        if (isAscii(chars, start, end)) {
            return canonicalAscii(chars, start, end, wildcardBase, why);
        }
        String ascii = toAscii(chars.subSequence(start, end).toString());
        return ascii != null ? canonicalAscii(ascii, 0, ascii.length(), wildcardBase, why) : reject(why, INVALID_HOST);
    }

    private static String canonicalAscii(
            CharSequence chars, int start, int end, boolean wildcardBase, Rejection why) {
        // "acme.com." is the fully qualified spelling of "acme.com": the same host.
        int nameEnd = end - start > 1 && chars.charAt(end - 1) == '.' ? end - 1 : end;
        if (nameEnd - start > MAX_NAME_LENGTH) {
            return reject(why, INVALID_HOST);
        }
        if (Ipv4Literal.endsInNumber(chars, start, nameEnd)) {
            if (Ipv4Literal.parse(chars, start, nameEnd) < 0) {
                return reject(why, INVALID_HOST);
            }
            return wildcardBase ? reject(why, WILDCARD_OVER_IP_ADDRESS) : chars.subSequence(start, nameEnd).toString();
        }
        int labels = countLabels(chars, start, nameEnd);
        if (labels < 0) {
            return reject(why, INVALID_HOST);
        }
        if (wildcardBase && labels < 2) {
            return reject(why, WILDCARD_OVER_TLD);
        }
        return AsciiChars.toLowerCase(chars, start, nameEnd);
    }

    /** The number of labels of the domain name {@code chars[start, end)}, or -1 if a label is invalid. */
    private static int countLabels(CharSequence chars, int start, int end) {
        int labels = 0;
        int labelStart = start;
        for (int i = start; i <= end; i++) {
            if (i < end && chars.charAt(i) != '.') {
                continue;
            }
            if (!isLabel(chars, labelStart, i)) {
                return -1;
            }
            labels++;
            labelStart = i + 1;
        }
        return labels;
    }

    private static boolean isLabel(CharSequence chars, int start, int end) {
        int length = end - start;
        if (length < 1 || length > MAX_LABEL_LENGTH || chars.charAt(start) == '-' || chars.charAt(end - 1) == '-') {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = chars.charAt(i);
            // "_" is not valid in a host name, but URLs carry it (service labels like _dmarc), and browsers send it.
            if (!(AsciiChars.isLetter(c) || AsciiChars.isDigit(c) || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(CharSequence chars, int start, int end) {
        for (int i = start; i < end; i++) {
            if (chars.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * Punycode for internationalized labels. IDNA2003 also maps the ideographic full stops to
     * {@code .} and folds width and case ({@code ａｃｍｅ} is {@code acme}), as browsers do.
     */
    private static String toAscii(String unicode) {
        try {
            return IDN.toASCII(unicode, 0);
        } catch (IllegalArgumentException notAHostName) {
            return null;
        }
    }
}
