package dev.widgetedge.app;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A converter for one kind of option value that also says what it accepts, for the one-line usage
 * error ({@code --cache-ttl: abc (expected: a duration such as 500ms, 2s, 5m, 1h or 90d)}), and writes a
 * value back the way an operator would type it, so that a default held as a typed constant can be
 * shown and documented as text ({@code 30s}, {@code 10MiB}).
 */
interface OptionConverter<T> extends ITypeConverter<T> {

    /** What a valid value looks like, as the words after {@code expected:}. */
    String expected();

    /** {@code value} as this converter reads it back. */
    String format(T value);

    /** The failure for a value this converter does not read; its message is {@link #expected()}. */
    default TypeConversionException invalid() {
        return new TypeConversionException(expected());
    }

    /** Formats a value held as {@code Object}, as picocli's model holds initial values. */
    @SuppressWarnings("unchecked")
    default String formatObject(Object value) {
        return format((T) value);
    }
}
