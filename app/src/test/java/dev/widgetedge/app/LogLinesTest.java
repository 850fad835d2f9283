package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** Both log formats write one line per event, with the event's key-value pairs, even for errors. */
class LogLinesTest {

    private final LoggerContext context = new LoggerContext();

    private LoggingEvent event(Throwable error) {
        LoggingEvent event = new LoggingEvent(LogLinesTest.class.getName(),
                context.getLogger("dev.widgetedge.admin.WidgetKeyService"), Level.INFO, "widget key created", error,
                null);
        event.addKeyValuePair(new KeyValuePair("key_id", "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"));
        event.addKeyValuePair(new KeyValuePair("key_last8", "x3Kq9ZpA"));
        return event;
    }

    @Test
    void jsonLines_carryTheMessageAndEveryPairAsFields() throws Exception {
        JsonLineLayout layout = new JsonLineLayout();
        layout.setContext(context);
        layout.start();

        String line = layout.doLayout(event(null));

        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.strip().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("msg").asText()).isEqualTo("widget key created");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("key_id").asText()).isEqualTo("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e");
        assertThat(json.get("key_last8").asText()).isEqualTo("x3Kq9ZpA");
        assertThat(json.get("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void jsonLines_writeNumbersAsNumbers_andTextAsStrings() throws Exception {
        JsonLineLayout layout = new JsonLineLayout();
        layout.setContext(context);
        layout.start();
        LoggingEvent event = event(null);
        event.addKeyValuePair(new KeyValuePair("status", 200));
        event.addKeyValuePair(new KeyValuePair("duration_ms", java.math.BigDecimal.valueOf(1_234, 3)));
        event.addKeyValuePair(new KeyValuePair("draining", true));

        JsonNode json = new ObjectMapper().readTree(layout.doLayout(event));

        assertThat(json.get("status").isIntegralNumber()).isTrue();
        assertThat(json.get("status").asInt()).isEqualTo(200);
        assertThat(json.get("duration_ms").isNumber()).isTrue();
        assertThat(json.get("duration_ms").decimalValue()).isEqualByComparingTo("1.234");
        assertThat(json.get("draining").isBoolean()).isTrue();
        assertThat(json.get("key_last8").isTextual()).isTrue();
    }

    @Test
    void jsonLines_holdAnExceptionInFields_onTheSameLine() throws Exception {
        JsonLineLayout layout = new JsonLineLayout();
        layout.setContext(context);
        layout.start();

        String line = layout.doLayout(event(new IllegalStateException("boom")));

        assertThat(line.strip().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("error").asText()).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(json.get("stack").asText()).contains("LogLinesTest");
    }

    @Test
    void textLines_carryThePairs_andFoldAnExceptionOntoTheLine() {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(LogSettings.TEXT_PATTERN);
        layout.start();

        String plain = layout.doLayout(event(null));
        String failed = layout.doLayout(event(new IllegalStateException("boom")));

        assertThat(plain).contains("widget key created key_id=\"0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e\"")
                .contains("key_last8=\"x3Kq9ZpA\"");
        assertThat(plain.strip().lines()).hasSize(1);
        assertThat(failed.strip().lines()).hasSize(1);
        assertThat(failed).contains("java.lang.IllegalStateException: boom | at dev.widgetedge.app.LogLinesTest");
    }
}
