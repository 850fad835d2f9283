package dev.widgetedge.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.event.KeyValuePair;

/**
 * {@code --log-format json}: one JSON object per line, {@code {"ts", "level", "logger", "msg",
 * ...key-value pairs, "error"?, "stack"?}}. Key-value pairs of the event become fields, so that
 * {@code key_id} or {@code status} can be queried directly; numeric values stay JSON numbers.
 */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("ts", TIMESTAMP.format(Instant.ofEpochMilli(event.getTimeStamp())));
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("msg", event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    writeField(json, pair.key, pair.value);
                }
            }
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                json.writeStringField("error", error.getClassName() + ": " + error.getMessage());
                json.writeStringField("stack", ThrowableProxyUtil.asString(error));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return line.append('\n').toString();
    }

    /** Numbers and booleans keep their JSON type ({@code "status": 200}); anything else is a string. */
    private static void writeField(JsonGenerator json, String name, Object value) throws IOException {
        json.writeFieldName(name);
        if (value instanceof BigDecimal decimal) {
            json.writeNumber(decimal);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            json.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else {
            json.writeString(String.valueOf(value));
        }
    }
}
