package dev.widgetedge.core.widget;

import java.util.Locale;

/**
 * How the gateway treats an origin that is not on a key's allowlist: refuse it ({@link #ENFORCE},
 * the default) or serve it and record it as {@code reported} ({@link #REPORT}), to put an
 * allowlist on a live key without breaking the sites that use it.
 */
public enum KeyMode {
    ENFORCE, REPORT;

    /** The wire form: {@code "enforce"} or {@code "report"}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode of a wire value, or {@code null} when it names none. */
    public static KeyMode fromWire(String value) {
        for (KeyMode mode : values()) {
            if (mode.wire().equals(value)) {
                return mode;
            }
        }
        return null;
    }
}
