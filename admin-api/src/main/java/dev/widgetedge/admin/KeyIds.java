package dev.widgetedge.admin;

import java.util.UUID;

/** Parsing the {@code {id}} path segment: a UUID in canonical 8-4-4-4-12 hex form, nothing else. */
final class KeyIds {

    private static final int LENGTH = 36;

    private KeyIds() {
    }

    /**
     * The UUID, or {@code null} when the segment is not in canonical form ({@link UUID#fromString}
     * alone would accept {@code 1-1-1-1-1}).
     */
    static UUID parse(String segment) {
        if (segment == null || segment.length() != LENGTH) {
            return null;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = segment.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            boolean ok = dash ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return null;
            }
        }
        return UUID.fromString(segment);
    }
}
