package dev.widgetedge.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * RFC 3339 date-times as request bodies give them: {@code 2026-11-24T05:51:00Z},
 * {@code 2026-11-24T06:51:00.5+01:00}; {@code T} and {@code Z} in either case, seconds required,
 * up to nine fraction digits (kept to the millisecond, as every stored time is), an offset
 * required. And the one form responses give: UTC, always three fraction digits.
 */
final class Rfc3339 {

    private static final DateTimeFormatter UTC_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Rfc3339() {
    }

    /** {@code 2026-11-24T05:51:00.120Z}. */
    static String format(Instant instant) {
        return UTC_MILLIS.format(instant);
    }

    /**
     * The instant {@code text} names, truncated to the millisecond.
     *
     * @throws IllegalArgumentException if it is not an RFC 3339 date-time
     */
    static Instant parse(String text) {
        if (!hasShape(text)) {
            throw new IllegalArgumentException("not an RFC 3339 date-time");
        }
        try {
            return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 date-time", e);
        }
    }

    /** {@code yyyy-mm-ddThh:mm:ss[.f{1,9}](Z|±hh:mm)}, checked character by character. */
    private static boolean hasShape(String text) {
        String date = "dddd-dd-ddTdd:dd:dd";
        if (text.length() < date.length() + 1) {
            return false;
        }
        for (int i = 0; i < date.length(); i++) {
            char c = text.charAt(i);
            char expected = date.charAt(i);
            boolean ok = expected == 'd' ? c >= '0' && c <= '9' : expected == 'T' ? c == 'T' || c == 't' : c == expected;
            if (!ok) {
                return false;
            }
        }
        int at = date.length();
        if (text.charAt(at) == '.') {
            int digits = 0;
            for (at++; at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9'; at++) {
                digits++;
            }
            if (digits < 1 || digits > 9) {
                return false;
            }
        }
        String offset = text.substring(at);
        if (offset.equals("Z") || offset.equals("z")) {
            return true;
        }
        return offset.length() == 6 && (offset.charAt(0) == '+' || offset.charAt(0) == '-')
                && isDigit(offset.charAt(1)) && isDigit(offset.charAt(2)) && offset.charAt(3) == ':'
                && isDigit(offset.charAt(4)) && isDigit(offset.charAt(5));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
