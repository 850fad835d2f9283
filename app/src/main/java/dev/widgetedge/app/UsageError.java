package dev.widgetedge.app;

/**
 * A bad option value found after parsing (out of range, inconsistent): exit code 2 and one line,
 * {@code --option: value (expected: …)}.
 */
final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageError(String option, Object value, String expected) {
        super(option + ": " + value + " (expected: " + expected + ")", null, false, false);
    }
}
