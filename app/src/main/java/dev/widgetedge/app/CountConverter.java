package dev.widgetedge.app;

/** Reads a whole number written in digits ({@code 1000000}); the option's own check bounds it. */
final class CountConverter implements OptionConverter<Long> {

    static final String EXPECTED = "a whole number such as 1000000";

    @Override
    public Long convert(String value) {
        String text = value.trim();
        String digits = text.startsWith("-") ? text.substring(1) : text;
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            throw invalid();
        }
        return Long.parseLong(text);
    }

    @Override
    public String expected() {
        return EXPECTED;
    }

    @Override
    public String format(Long value) {
        return Long.toString(value);
    }
}
