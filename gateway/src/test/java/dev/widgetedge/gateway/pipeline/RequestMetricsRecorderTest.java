package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RequestMetricsRecorder}: one count per answered request, as its response head leaves. */
class RequestMetricsRecorderTest {

    private final CountingMetrics metrics = new CountingMetrics();
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel channel =
            TrackingAllocator.channel(allocator, new RequestMetricsRecorder(metrics));

    @AfterEach
    void everythingIsReleased() {
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(written);
        }
        assertThat(channel.finish()).as("nothing left in the channel").isFalse();
        allocator.assertAllReleased();
    }

    private Exchange exchange(RequestOutcome outcome, long startedNanos) {
        Exchange exchange = Exchange.start(channel, GatewayRoute.PROXY, Http.ACME, startedNanos);
        exchange.outcome(outcome);
        return exchange;
    }

    @Test
    void aStreamedResponse_isCountedOnce_byItsOutcome_timedFromTheRequestHead() {
        long fiveMillisAgo = System.nanoTime() - Duration.ofMillis(5).toNanos();
        exchange(RequestOutcome.ALLOWED, fiveMillisAgo);

        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK),
                new DefaultHttpContent(allocator.text("a")), new DefaultLastHttpContent(allocator.text("b")));

        assertThat(metrics.requests).containsExactly(RequestOutcome.ALLOWED);
        assertThat(metrics.durations.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(5).toNanos());
    }

    @Test
    void aFullResponse_isCountedOnce() {
        exchange(RequestOutcome.ORIGIN_NOT_ALLOWED, System.nanoTime());

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN,
                allocator.text("{}")));

        assertThat(metrics.requests).containsExactly(RequestOutcome.ORIGIN_NOT_ALLOWED);
    }

    @Test
    void informationalResponses_areNotCounted_theFinalResponseIs() {
        exchange(RequestOutcome.ALLOWED, System.nanoTime());

        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PROCESSING));
        assertThat(metrics.requests).isEmpty();

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                allocator.text("{}")));

        assertThat(metrics.requests).containsExactly(RequestOutcome.ALLOWED);
    }

    @Test
    void eachExchange_isCountedByItsOwnOutcome() {
        exchange(RequestOutcome.SCRIPT, System.nanoTime());
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        exchange(RequestOutcome.NOT_FOUND, System.nanoTime());
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND));
        exchange(RequestOutcome.STORE_UNAVAILABLE, System.nanoTime());
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SERVICE_UNAVAILABLE));

        assertThat(metrics.requests).containsExactly(RequestOutcome.SCRIPT, RequestOutcome.NOT_FOUND,
                RequestOutcome.STORE_UNAVAILABLE);
    }

    @Test
    void aResponseWithoutAnExchangeOrAnOutcome_isNotCounted_andStillWritten() {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST));
        exchange(null, System.nanoTime());
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));

        assertThat(metrics.requests).isEmpty();
        assertThat(channel.outboundMessages()).hasSize(2);
    }
}
