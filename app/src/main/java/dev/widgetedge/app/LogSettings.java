package dev.widgetedge.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.widgetedge.server.AccessLog;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code --log-format} and {@code --access-log} to logback before a command runs: every
 * event is one line on stderr (stdout carries only command output), as text or as JSON.
 */
final class LogSettings {

    /** The output format of log lines. */
    enum Format { TEXT, JSON }

    /** The default of {@code --log-format}. */
    static final Format DEFAULT_FORMAT = Format.TEXT;

    /** Reads {@code --log-format}: {@code text} or {@code json}, in any case. */
    static final class FormatConverter implements OptionConverter<Format> {

        @Override
        public Format convert(String value) {
            for (Format format : Format.values()) {
                if (format.name().equalsIgnoreCase(value.trim())) {
                    return format;
                }
            }
            throw invalid();
        }

        @Override
        public String expected() {
            return "text or json";
        }

        @Override
        public String format(Format value) {
            return value.name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line per event: exceptions are folded onto it rather than printed as a stack. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{0} - %msg"
            + "%replace( %kvp){'^ $', ''}"
            + "%replace(%replace( %ex{full}){'^ $', ''}){'[\\r\\n]+\\s*', ' | '}%nopex%n";

    private LogSettings() {
    }

    /** The console appender that {@code logback.xml} defines and {@link #apply} re-encodes. */
    static final String APPENDER = "STDERR";

    /**
     * Sets the line format of {@code logback.xml}'s stderr appender and turns the access log on or
     * off. A configuration without that appender (the tests' {@code logback-test.xml}) keeps its
     * own appenders.
     */
    static void apply(Format format, boolean accessLog) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            console.setEncoder(encoder(context, format));
            console.start();
        }
        context.getLogger(AccessLog.LOGGER_NAME).setLevel(accessLog ? Level.INFO : Level.OFF);
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, Format format) {
        if (format == Format.JSON) {
            JsonLineLayout layout = new JsonLineLayout();
            layout.setContext(context);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            encoder.setContext(context);
            encoder.setLayout(layout);
            encoder.start();
            return encoder;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
