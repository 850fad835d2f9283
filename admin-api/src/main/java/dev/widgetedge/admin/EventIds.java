package dev.widgetedge.admin;

/** The shape of an audit event id, {@code <epoch ms>-<sequence>}: checked before the store is asked. */
final class EventIds {

    private static final int MAX_PART_DIGITS = 19;

    private EventIds() {
    }

    static boolean isWellFormed(String id) {
        int dash = id.indexOf('-');
        return dash > 0 && digits(id, 0, dash) && digits(id, dash + 1, id.length());
    }

    private static boolean digits(String text, int from, int to) {
        if (to <= from || to - from > MAX_PART_DIGITS) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
