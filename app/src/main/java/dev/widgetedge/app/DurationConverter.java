package dev.widgetedge.app;

import dev.widgetedge.server.Durations;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Reads durations as operators write them: {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h},
 * {@code 90d}, or ISO-8601 ({@code PT2S}). A sign is accepted so that the range check, not the
 * parser, reports a negative value.
 */
final class DurationConverter implements OptionConverter<Duration> {

    static final String EXPECTED = "a duration such as 500ms, 2s, 5m, 1h or 90d";

    @Override
    public Duration convert(String value) {
        Duration parsed = parse(value.trim());
        if (parsed == null) {
            throw invalid();
        }
        return parsed;
    }

    @Override
    public String expected() {
        return EXPECTED;
    }

    @Override
    public String format(Duration value) {
        return Durations.format(value);
    }

    private static Duration parse(String value) {
        if (value.startsWith("P") || value.startsWith("-P") || value.startsWith("p")) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        int unitStart = 0;
        while (unitStart < value.length() && (Character.isDigit(value.charAt(unitStart))
                || (unitStart == 0 && value.charAt(0) == '-'))) {
            unitStart++;
        }
        String number = value.substring(0, unitStart);
        if (number.isEmpty() || number.equals("-") || number.length() > 12) {
            return null;
        }
        long amount = Long.parseLong(number);
        return switch (value.substring(unitStart)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> null;
        };
    }
}
