package dev.widgetedge.app;

/**
 * A bad option value found after parsing (out of range, inconsistent): exit code 2 and one line,
 * {@code --option: value (expected: …)}.
 */
final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String option;

    UsageError(String option, Object value, String expected) {
        this(option + ": " + value + " (expected: " + expected + ")");
    }

    /**
     * A message already in the {@code --option: value (expected: …)} form, as the settings records
     * write their validation failures.
     */
    UsageError(String message) {
        super(message, null, false, false);
        int colon = message.indexOf(": ");
        this.option = message.startsWith("--") && colon > 0 ? message.substring(0, colon) : null;
    }

    /** The option the message names ({@code --cache-ttl}), or {@code null} if it names none. */
    String option() {
        return option;
    }
}
