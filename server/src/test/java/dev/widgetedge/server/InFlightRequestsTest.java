package dev.widgetedge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link InFlightRequests}: what counts as in flight, on connections of their own event loops. */
class InFlightRequestsTest {

    private final InFlightRequests inFlight = new InFlightRequests();

    /** A connection whose requests reach the tracker and stop there, unanswered until the test writes. */
    private EmbeddedChannel connection() {
        return new EmbeddedChannel(inFlight.newTracker(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
    }

    private static DefaultHttpRequest request() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    }

    @Test
    void aRequestCounts_fromItsHead_untilItsResponseIsWritten_onEveryConnection() {
        EmbeddedChannel one = connection();
        EmbeddedChannel two = connection();

        one.writeInbound(request());
        two.writeInbound(request(), request());
        assertThat(inFlight.inFlight()).isEqualTo(3);

        two.writeOutbound(HttpResponses.text(two.alloc(), HttpResponseStatus.OK, "ok"));
        assertThat(inFlight.inFlight()).isEqualTo(2);

        one.close();
        assertThat(inFlight.inFlight()).as("a closed connection's requests no longer count").isOne();
        two.finishAndReleaseAll();
        assertThat(inFlight.inFlight()).isZero();
    }

    @Test
    void aTrackerRemovedWithRequestsStillCounted_uncountsThem() {
        EmbeddedChannel channel = connection();
        channel.writeInbound(request(), request());
        assertThat(inFlight.inFlight()).isEqualTo(2);

        // What a lingering close does: every handler is removed before the connection closes.
        channel.pipeline().removeFirst();

        assertThat(inFlight.inFlight())
                .as("regression: the tracker had no handlerRemoved, so requests counted when a lingering close "
                        + "removed it were never uncounted, and a drain waited its whole timeout")
                .isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void aDrain_endsAsSoonAsTheLastRequestIsAnswered() throws InterruptedException {
        EmbeddedChannel channel = connection();
        channel.writeInbound(request());
        inFlight.startDraining();
        channel.runPendingTasks();
        assertThat(inFlight.awaitIdle(Duration.ZERO)).isFalse();

        channel.writeOutbound(HttpResponses.text(channel.alloc(), HttpResponseStatus.OK, "ok"));

        assertThat(inFlight.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(channel.isOpen()).as("closed after its last response while draining").isFalse();
        channel.finishAndReleaseAll();
    }
}
