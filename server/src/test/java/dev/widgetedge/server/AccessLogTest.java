package dev.widgetedge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link AccessLog}: lines leave the request's thread at once, never wait for the destination, and are counted when dropped. */
class AccessLogTest {

    private final CountDownLatch destinationBlocked = new CountDownLatch(1);
    private final List<AccessLog.Line> written = new CopyOnWriteArrayList<>();
    private final List<String> writerThreads = new CopyOnWriteArrayList<>();

    /** A destination that takes lines only once {@link #destinationBlocked} is counted down. */
    private final AccessLog.Sink slowDestination = new AccessLog.Sink() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public void write(AccessLog.Line line) {
            try {
                destinationBlocked.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writerThreads.add(Thread.currentThread().getName());
            written.add(line);
        }
    };

    private static AccessLog.Line line(int status) {
        return new AccessLog.Line("gateway", "GET", "/v1/widget/bootstrap", status, 1_500_000,
                "203.0.113.9", "allowed", null);
    }

    @Test
    void recording_neverWaitsForTheDestination_andAFullQueueDropsAndCounts() {
        AccessLog log = AccessLog.writingTo(slowDestination, 4);

        // The writer takes one line and waits on the destination; four more fill the queue.
        for (int i = 0; i < 10; i++) {
            log.record(line(200 + i));
        }

        assertThat(log.dropped()).as("lines beyond the queue are dropped, not waited for").isBetween(5L, 6L);
        destinationBlocked.countDown();
        assertThat(log.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(written.size() + log.dropped()).isEqualTo(10);
        assertThat(written).extracting(AccessLog.Line::status).isSorted();
    }

    @Test
    void linesAreWritten_inOrder_onTheLogsOwnThread() {
        AccessLog log = AccessLog.writingTo(slowDestination, 64);
        destinationBlocked.countDown();

        for (int i = 0; i < 20; i++) {
            log.record(line(200 + i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 20);
        assertThat(written).extracting(AccessLog.Line::status).isSorted();
        assertThat(log.dropped()).isZero();
        assertThat(writerThreads).containsOnly("access-log");
    }
}
