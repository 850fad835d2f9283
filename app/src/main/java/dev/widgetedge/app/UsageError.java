package dev.widgetedge.app;

/**
 * A bad option value found after parsing (out of range, inconsistent): exit code 2 and one line,
 * {@code --option: value (expected: …)}.
 */
final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageError(String option, Object value, String expected) {
        this(option + ": " + value + " (expected: " + expected + ")");
    }

    /** A message already in the {@code --option: value (expected: …)} form. */
    UsageError(String message) {
        super(message, null, false, false);
    }
}
