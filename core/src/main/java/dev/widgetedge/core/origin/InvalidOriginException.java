package dev.widgetedge.core.origin;

/**
 * A text that is not an acceptable origin or allowlist entry. The message is a short phrase
 * meant to follow the name of the field that held the text, such as {@code has a path}; it never
 * repeats the text. It is an expected outcome of validating input, so it carries no stack trace.
 */
public final class InvalidOriginException extends Exception {

    InvalidOriginException(String phrase) {
        super(phrase, null, false, false);
    }
}
