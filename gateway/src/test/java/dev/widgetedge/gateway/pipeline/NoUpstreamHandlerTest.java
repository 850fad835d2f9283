package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link NoUpstreamHandler}: with no {@code --upstream}, an allowed proxied request gets a 404. */
class NoUpstreamHandlerTest {

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel channel = TrackingAllocator.channel(allocator, new NoUpstreamHandler());

    @AfterEach
    void everythingIsReleased() {
        assertThat(channel.finish()).as("nothing left in the channel").isFalse();
        allocator.assertAllReleased();
    }

    @Test
    void anAllowedProxiedRequest_is404NotFound_andItsHeadAndBodyAreReleased() {
        Exchange exchange = Exchange.start(channel, GatewayRoute.PROXY, ACME, System.nanoTime());
        exchange.allow(new Decision.Allowed(UUID.randomUUID(), "acct_123", null, false));
        HttpContent part = Http.part(allocator, "hello");
        LastHttpContent last = Http.last(allocator, "world");

        channel.writeInbound(Http.head(HttpMethod.POST, "/v1/widget/messages", ACME), part, last);

        FullHttpResponse response = Http.response(channel);
        assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        assertThat(Http.errorCode(response)).isEqualTo("not_found");
        Http.release(response);
        assertThat(channel.outboundMessages()).as("one answer per request").isEmpty();
        assertThat(channel.inboundMessages()).as("nothing passed on").isEmpty();
        assertThat(part.refCnt()).isZero();
        assertThat(last.refCnt()).isZero();
        assertThat(exchange.answered()).isTrue();
        assertThat(exchange.outcome()).isEqualTo(RequestOutcome.NOT_FOUND);
    }

    @Test
    void aCompleteRequest_isReleased_andAnsweredOnce() {
        Exchange.start(channel, GatewayRoute.PROXY, ACME, System.nanoTime());
        var request = Http.full(allocator, HttpMethod.PUT, "/v1/widget/x", ACME, "body");

        channel.writeInbound(request);

        assertThat(request.refCnt()).isZero();
        Http.release(Http.response(channel));
        assertThat(channel.outboundMessages()).isEmpty();
    }
}
