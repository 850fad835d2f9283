package dev.widgetedge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.SubstituteLogger;

/** {@link ThrottledLog}: one line per interval, however many events, and the count of the others. */
class ThrottledLogTest {

    private final ConcurrentLinkedQueue<SubstituteLoggingEvent> lines = new ConcurrentLinkedQueue<>();
    private final EventRecordingLogger logger =
            new EventRecordingLogger(new SubstituteLogger("test", lines, false), lines);

    @Test
    void aThousandEventsInOneInterval_writeOneLine() {
        ThrottledLog log = new ThrottledLog(logger, Duration.ofDays(1));

        for (int i = 0; i < 1000; i++) {
            log.warn("a client did something", "detail " + i);
        }

        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.getMessage()).isEqualTo("{} ({} more since the last such line): {}");
            assertThat(line.getArgumentArray()).containsExactly("a client did something", 0L, "detail 0");
            assertThat(line.getThrowable()).isNull();
        });
    }

    @Test
    void theNextLine_countsTheEventsItDidNotWrite() {
        ThrottledLog log = new ThrottledLog(logger, Duration.ofMillis(50));
        log.warn("event", "first");
        for (int i = 0; i < 5; i++) {
            log.warn("event", "suppressed");
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            log.warn("event", "later");
            return lines.size() == 2;
        });

        Object[] second = lines.stream().skip(1).findFirst().orElseThrow().getArgumentArray();
        assertThat((Long) second[1]).isGreaterThanOrEqualTo(5L);
    }
}
