package dev.widgetedge.app;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads byte sizes: {@code 1048576}, {@code 512KiB}, {@code 10MiB}, {@code 1GiB} (also KB/MB/GB, as 1024s). */
final class SizeConverter implements ITypeConverter<Long> {

    static final String EXPECTED = "a size such as 65536, 512KiB or 10MiB";

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
            throw new TypeConversionException("'" + value + "' is not " + EXPECTED);
        }
        long multiplier = switch (text.substring(unitStart)) {
            case "", "B" -> 1;
            case "KiB", "KB", "K", "k" -> 1024;
            case "MiB", "MB", "M", "m" -> 1024 * 1024;
            case "GiB", "GB", "G", "g" -> 1024L * 1024 * 1024;
            default -> throw new TypeConversionException("'" + value + "' is not " + EXPECTED);
        };
        return Long.parseLong(number) * multiplier;
    }
}
