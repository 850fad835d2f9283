package dev.widgetedge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ConnectionErrors}: every failure closes the connection; only transport errors count as resets. */
class ConnectionErrorsTest {

    private final AtomicInteger resets = new AtomicInteger();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ConnectionErrors("test", resets::incrementAndGet));

    @Test
    void aTransportError_isCounted_andTheConnectionClosed() {
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(resets).hasValue(1);
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anAggregatorReportingTheCloseOfAConnection_isNeitherCountedNorAnError() {
        channel.pipeline().fireExceptionCaught(new PrematureChannelClosureException("closed while aggregating"));

        assertThat(resets).hasValue(0);
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anUnexpectedFailure_closesTheConnection_withoutCountingAReset() {
        channel.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));

        assertThat(resets).hasValue(0);
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }
}
