package dev.widgetedge.app;

/** Reads a TCP port, 0 to 65535; 0 lets the system pick a free one. */
final class PortConverter implements OptionConverter<Integer> {

    static final String EXPECTED = "a port from 0 to 65535, 0 for any free port";

    @Override
    public Integer convert(String value) {
        String text = value.trim();
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw invalid();
        }
        int port = Integer.parseInt(text);
        if (port > 65535) {
            throw invalid();
        }
        return port;
    }

    @Override
    public String expected() {
        return EXPECTED;
    }

    @Override
    public String format(Integer value) {
        return Integer.toString(value);
    }
}
