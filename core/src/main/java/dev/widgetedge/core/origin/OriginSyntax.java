package dev.widgetedge.core.origin;

import static dev.widgetedge.core.origin.Defect.COMMA;
import static dev.widgetedge.core.origin.Defect.CONTROL_CHARACTER;
import static dev.widgetedge.core.origin.Defect.EMPTY;
import static dev.widgetedge.core.origin.Defect.FRAGMENT;
import static dev.widgetedge.core.origin.Defect.INVALID_PORT;
import static dev.widgetedge.core.origin.Defect.NOT_AN_ORIGIN;
import static dev.widgetedge.core.origin.Defect.PATH;
import static dev.widgetedge.core.origin.Defect.QUERY;
import static dev.widgetedge.core.origin.Defect.UNSUPPORTED_SCHEME;
import static dev.widgetedge.core.origin.Defect.USERINFO;
import static dev.widgetedge.core.origin.Defect.WHITESPACE;
import static dev.widgetedge.core.origin.Defect.WILDCARD;
import static dev.widgetedge.core.origin.Defect.WILDCARD_NOT_LEFTMOST;
import static dev.widgetedge.core.origin.Defect.WILDCARD_NOT_WHOLE_LABEL;
import static dev.widgetedge.core.origin.Defect.WILDCARD_WITHOUT_DOMAIN;
import static dev.widgetedge.core.origin.Rejection.reject;

/**
 * The one reader of origin text, {@code scheme "://" host [":" port]}, for both {@code Origin}
 * headers and allowlist entries. It splits the text by hand, left to right, so that a delimiter
 * can never be mistaken for part of a host: there is no regex and no prefix or suffix test.
 *
 * <p>Both readers accept only {@code http} and {@code https} (any case), a valid host (see
 * {@link HostSyntax}) and a port 1–65535 in ASCII digits without sign or leading zero. They reject
 * whitespace, control characters and commas anywhere, and userinfo, paths (a {@code \} counts as a
 * {@code /}, as in browsers), queries and fragments. When a text has several defects, which one is
 * reported is not specified.
 */
final class OriginSyntax {

    static final int MIN_PORT = 1;
    static final int MAX_PORT = 65535;

    private static final String SCHEME_SEPARATOR = "://";
    private static final int MAX_PORT_DIGITS = 5;

    private OriginSyntax() {
    }

    /**
     * Reads an {@code Origin} header value: no wildcard and no trailing {@code /}. Returns
     * {@code null} (with the reason given to {@code why}) when it is not an origin; allocates
     * nothing then, not even a substring, unless the host is non-ASCII.
     */
    static Origin origin(CharSequence text, Rejection why) {
        Scheme scheme = scheme(text, why);
        if (scheme == null) {
            return null;
        }
        int hostStart = scheme.text().length() + SCHEME_SEPARATOR.length();
        int authorityEnd = authorityEnd(text, hostStart);
        int hostEnd = hostEnd(text, hostStart, authorityEnd);
        Defect defect = delimiterDefect(text, hostStart, authorityEnd, false);
        if (defect == null && AsciiChars.indexOf(text, '*', hostStart, hostEnd) >= 0) {
            defect = WILDCARD;
        }
        if (defect != null) {
            return reject(why, defect);
        }
        int port = port(text, scheme, hostEnd, authorityEnd);
        if (port < 0) {
            return reject(why, INVALID_PORT);
        }
        String host = HostSyntax.canonical(text, hostStart, hostEnd, false, why);
        return host == null ? null : new Origin(scheme, host, port);
    }

    /**
     * Reads an allowlist entry: an origin whose host may start with a {@code *.} label, and which
     * may end with one {@code /}. Returns {@code null} (with the reason given to {@code why}) when
     * it is not an acceptable entry.
     */
    static OriginPattern pattern(CharSequence text, Rejection why) {
        Scheme scheme = scheme(text, why);
        if (scheme == null) {
            return null;
        }
        int hostStart = scheme.text().length() + SCHEME_SEPARATOR.length();
        int authorityEnd = authorityEnd(text, hostStart);
        int hostEnd = hostEnd(text, hostStart, authorityEnd);
        Defect defect = delimiterDefect(text, hostStart, authorityEnd, true);
        if (defect == null) {
            defect = wildcardDefect(text, hostStart, hostEnd);
        }
        if (defect != null) {
            return reject(why, defect);
        }
        int port = port(text, scheme, hostEnd, authorityEnd);
        if (port < 0) {
            return reject(why, INVALID_PORT);
        }
        boolean wildcard = hostStart < hostEnd && text.charAt(hostStart) == '*';
        int nameStart = wildcard ? hostStart + 2 : hostStart;
        String host = HostSyntax.canonical(text, nameStart, hostEnd, wildcard, why);
        return host == null ? null : new OriginPattern(scheme, host, port, wildcard);
    }

    /** The RFC 6454 serialization: the default port is left out. */
    static String serialize(Scheme scheme, boolean wildcard, String host, int port) {
        StringBuilder text = new StringBuilder(scheme.text().length() + host.length() + 12)
                .append(scheme.text())
                .append(SCHEME_SEPARATOR);
        if (wildcard) {
            text.append("*.");
        }
        text.append(host);
        if (port != scheme.defaultPort()) {
            text.append(':').append(port);
        }
        return text.toString();
    }

    private static Scheme scheme(CharSequence text, Rejection why) {
        Defect defect = characterDefect(text);
        if (defect != null) {
            return reject(why, defect);
        }
        int colon = schemeEnd(text);
        boolean slashes = colon >= 0
                && text.length() >= colon + SCHEME_SEPARATOR.length()
                && text.charAt(colon + 1) == '/'
                && text.charAt(colon + 2) == '/';
        if (!slashes) {
            return reject(why, NOT_AN_ORIGIN);
        }
        Scheme scheme = Scheme.named(text, 0, colon);
        return scheme != null ? scheme : reject(why, UNSUPPORTED_SCHEME);
    }

    private static Defect characterDefect(CharSequence text) {
        if (text.length() == 0) {
            return EMPTY;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > ' ' && c < 0x7F && c != ',') {
                continue;
            }
            if (c == ',') {
                // Several header values folded into one, or a list pasted where one entry belongs.
                return COMMA;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return WHITESPACE;
            }
            if (Character.isISOControl(c)) {
                return CONTROL_CHARACTER;
            }
        }
        return null;
    }

    /** The index of the {@code :} ending an RFC 3986 scheme at the start of {@code text}, or -1. */
    private static int schemeEnd(CharSequence text) {
        if (!AsciiChars.isLetter(text.charAt(0))) {
            return -1;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                return i;
            }
            if (!(AsciiChars.isLetter(c) || AsciiChars.isDigit(c) || c == '+' || c == '-' || c == '.')) {
                return -1;
            }
        }
        return -1;
    }

    /** Where the authority ends: at the first character that starts a path, query or fragment. */
    private static int authorityEnd(CharSequence text, int start) {
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/' || c == '\\' || c == '?' || c == '#') {
                return i;
            }
        }
        return text.length();
    }

    /** Where the host ends: at the port's {@code :}, or at the end of the authority. */
    private static int hostEnd(CharSequence text, int hostStart, int authorityEnd) {
        int open = AsciiChars.indexOf(text, '[', hostStart, authorityEnd);
        if (open >= 0) {
            // An IPv6 literal holds colons of its own. Text after "]" other than a port stays in
            // the host, which then fails as a whole.
            int close = AsciiChars.indexOf(text, ']', open, authorityEnd);
            boolean closedBeforePort = close >= 0 && (close + 1 == authorityEnd || text.charAt(close + 1) == ':');
            return closedBeforePort ? close + 1 : authorityEnd;
        }
        int colon = AsciiChars.indexOf(text, ':', hostStart, authorityEnd);
        return colon >= 0 ? colon : authorityEnd;
    }

    private static Defect delimiterDefect(CharSequence text, int hostStart, int authorityEnd, boolean trailingSlash) {
        if (AsciiChars.indexOf(text, '@', hostStart, authorityEnd) >= 0) {
            return USERINFO;
        }
        if (authorityEnd == text.length()) {
            return null;
        }
        return switch (text.charAt(authorityEnd)) {
            case '?' -> QUERY;
            case '#' -> FRAGMENT;
            case '/' -> trailingSlash && authorityEnd == text.length() - 1 ? null : PATH;
            default -> PATH;
        };
    }

    /**
     * Whether a {@code *} in the host {@code text[start, end)} of an entry stands anywhere but as a
     * whole leftmost label followed by a domain.
     */
    private static Defect wildcardDefect(CharSequence text, int start, int end) {
        int star = AsciiChars.indexOf(text, '*', start, end);
        if (star < 0) {
            return null;
        }
        if (star == start) {
            if (end == start + 1) {
                return WILDCARD_WITHOUT_DOMAIN;
            }
            if (text.charAt(start + 1) != '.') {
                return WILDCARD_NOT_WHOLE_LABEL;
            }
            return AsciiChars.indexOf(text, '*', start + 2, end) < 0 ? null : WILDCARD_NOT_LEFTMOST;
        }
        boolean inLeftmostLabel = AsciiChars.indexOf(text, '.', start, star) < 0;
        return inLeftmostLabel ? WILDCARD_NOT_WHOLE_LABEL : WILDCARD_NOT_LEFTMOST;
    }

    /** The port after the host, the scheme's default when there is none, or -1 when it is invalid. */
    private static int port(CharSequence text, Scheme scheme, int hostEnd, int authorityEnd) {
        if (hostEnd == authorityEnd) {
            return scheme.defaultPort();
        }
        int start = hostEnd + 1;
        int digits = authorityEnd - start;
        // A leading zero is refused rather than read as decimal or octal: one port, one spelling.
        if (digits < 1 || digits > MAX_PORT_DIGITS || text.charAt(start) == '0') {
            return -1;
        }
        int port = 0;
        for (int i = start; i < authorityEnd; i++) {
            char c = text.charAt(i);
            if (!AsciiChars.isDigit(c)) {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port <= MAX_PORT ? port : -1;
    }
}
