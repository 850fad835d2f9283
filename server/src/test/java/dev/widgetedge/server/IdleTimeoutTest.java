package dev.widgetedge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleTimeoutTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new IdleTimeout(Duration.ofSeconds(60)));

    private void advance(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aQuietConnection_isClosedAfterTheTimeout_butNotBefore() {
        advance(59);
        assertThat(channel.isOpen()).isTrue();

        advance(31);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void reads_keepTheConnectionOpen() {
        for (int i = 0; i < 10; i++) {
            advance(29);
            channel.writeInbound("request " + i);
            channel.readInbound();
        }

        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void writes_keepTheConnectionOpen() {
        for (int i = 0; i < 10; i++) {
            advance(29);
            channel.writeOutbound("response " + i);
            channel.readOutbound();
        }

        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void activity_resetsTheCount() {
        advance(30);
        channel.writeInbound("request");
        channel.readInbound();
        advance(30);
        advance(30);
        assertThat(channel.isOpen()).as("one quiet check since the read").isTrue();

        advance(30);

        assertThat(channel.isOpen()).isFalse();
    }
}
