package dev.widgetedge.core.origin;

/** The schemes a widget may be embedded from. */
public enum Scheme {
    HTTP("http", 80),
    HTTPS("https", 443);

    private final String text;
    private final int defaultPort;

    Scheme(String text, int defaultPort) {
        this.text = text;
        this.defaultPort = defaultPort;
    }

    /** The scheme as an origin spells it: {@code http} or {@code https}. */
    public String text() {
        return text;
    }

    /** The port an origin of this scheme has when it names none: 80 or 443. */
    public int defaultPort() {
        return defaultPort;
    }

    /**
     * The scheme named by {@code chars[start, end)}, compared ASCII-case-insensitively, or
     * {@code null} for any other name. Does not allocate.
     */
    static Scheme named(CharSequence chars, int start, int end) {
        if (AsciiChars.equalsIgnoreCase(chars, start, end, HTTPS.text)) {
            return HTTPS;
        }
        if (AsciiChars.equalsIgnoreCase(chars, start, end, HTTP.text)) {
            return HTTP;
        }
        return null;
    }
}
