package dev.widgetedge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ResponseTimer} on an embedded event loop whose clock the test moves: one task for a
 * connection's exchanges in turn, never early for a later one, none left behind.
 */
class ResponseTimerTest {

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(30);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ResponseTimer timer = new ResponseTimer(channel.eventLoop());

    @AfterEach
    void close() {
        assertThat(channel.finish()).isFalse();
    }

    /** An exchange due a fixed time after it started, on the embedded loop's clock. */
    private final class Exchange implements ResponseTimer.Watched {

        private final long dueAt;
        private int timeouts;

        Exchange() {
            dueAt = now() + TIMEOUT;
        }

        @Override
        public long nanosUntilTimeout() {
            return dueAt - now();
        }

        @Override
        public void timedOut() {
            timeouts++;
        }
    }

    /** The test's clock, moved with the embedded loop's. */
    private long elapsed;

    private long now() {
        return elapsed;
    }

    private void advance(long nanos) {
        elapsed += nanos;
        channel.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aWatchedExchange_timesOutWhenDue_once() {
        Exchange exchange = new Exchange();
        timer.watch(exchange, TIMEOUT);

        advance(TIMEOUT - 1);
        assertThat(exchange.timeouts).isZero();
        advance(1);
        assertThat(exchange.timeouts).isOne();
        advance(TIMEOUT);
        assertThat(exchange.timeouts).as("no longer watched").isOne();
    }

    @Test
    void anExchangeUnwatchedInTime_neverTimesOut() {
        Exchange exchange = new Exchange();
        timer.watch(exchange, TIMEOUT);
        advance(TIMEOUT / 2);

        timer.unwatch(exchange);
        advance(2 * TIMEOUT);

        assertThat(exchange.timeouts).isZero();
    }

    @Test
    void aLaterExchange_isNotCutShort_byTheTaskAnEarlierOneLeft() {
        Exchange first = new Exchange();
        timer.watch(first, TIMEOUT);
        advance(TIMEOUT / 3);
        timer.unwatch(first);
        Exchange second = new Exchange();
        timer.watch(second, TIMEOUT);

        advance(TIMEOUT - TIMEOUT / 3);
        assertThat(second.timeouts).as("the first exchange's task ran, and was put off").isZero();
        advance(TIMEOUT / 3 - 1);
        assertThat(second.timeouts).isZero();
        advance(1);
        assertThat(second.timeouts).isOne();
        assertThat(first.timeouts).isZero();
    }

    @Test
    void cancel_leavesNoTaskBehind() {
        Exchange exchange = new Exchange();
        timer.watch(exchange, TIMEOUT);

        timer.cancel();
        advance(2 * TIMEOUT);

        assertThat(exchange.timeouts).isZero();
        assertThat(channel.runScheduledPendingTasks()).as("nothing scheduled").isEqualTo(-1);
    }
}
