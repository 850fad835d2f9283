package dev.widgetedge.app;

/** Reads byte sizes: {@code 1048576}, {@code 512KiB}, {@code 10MiB}, {@code 1GiB} (also KB/MB/GB, as 1024s). */
final class SizeConverter implements OptionConverter<Long> {

    static final String EXPECTED = "a size such as 65536, 512KiB or 10MiB";

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;

    @Override
    public Long convert(String value) {
        String text = value.trim();
        int unitStart = 0;
        while (unitStart < text.length() && (Character.isDigit(text.charAt(unitStart))
                || (unitStart == 0 && text.charAt(0) == '-'))) {
            unitStart++;
        }
        String number = text.substring(0, unitStart);
        if (number.isEmpty() || number.equals("-") || number.length() > 15) {
            throw invalid();
        }
        long multiplier = switch (text.substring(unitStart)) {
            case "", "B" -> 1;
            case "KiB", "KB", "K", "k" -> KIB;
            case "MiB", "MB", "M", "m" -> MIB;
            case "GiB", "GB", "G", "g" -> GIB;
            default -> throw invalid();
        };
        return Long.parseLong(number) * multiplier;
    }

    @Override
    public String expected() {
        return EXPECTED;
    }

    /** The largest binary unit that divides the size exactly: {@code 10MiB}, {@code 1536KiB}, {@code 100}. */
    @Override
    public String format(Long value) {
        for (long unit : new long[] {GIB, MIB, KIB}) {
            if (value != 0 && value % unit == 0) {
                return value / unit + (unit == GIB ? "GiB" : unit == MIB ? "MiB" : "KiB");
            }
        }
        return Long.toString(value);
    }
}
