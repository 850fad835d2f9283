package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestRouter}: one exchange per request, 404 and 400 answered here, pipelined requests
 * served one at a time in order, and nothing it was given left unreleased.
 */
class RequestRouterTest {

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final Recorder next = new Recorder();
    private final EmbeddedChannel channel = TrackingAllocator.channel(allocator, new RequestRouter(), next);

    @AfterEach
    void everythingIsReleased() {
        assertThat(channel.finish()).as("nothing left in the channel").isFalse();
        allocator.assertAllReleased();
    }

    private LastHttpContent lastResponsePart(String marker) {
        return new DefaultLastHttpContent(allocator.text(marker));
    }

    private FullHttpResponse fullResponse(String marker) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                allocator.text(marker));
        response.headers().set("x-response", marker);
        return response;
    }

    @Test
    void anUnknownPath_isAnswered404Json_andTheRequestAndItsBodyAreReleased() {
        HttpContent part = Http.part(allocator, "abc");
        LastHttpContent last = Http.last(allocator, "def");

        channel.writeInbound(Http.head(HttpMethod.POST, "/nope?key=x", ACME), part, last);

        FullHttpResponse response = Http.response(channel);
        assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        assertThat(Http.errorCode(response)).isEqualTo("not_found");
        assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
        Http.release(response);
        assertThat(next.seen()).as("nothing passed on").isEmpty();
        assertThat(part.refCnt()).isZero();
        assertThat(last.refCnt()).isZero();
        Exchange exchange = Exchange.of(channel);
        assertThat(exchange.route()).isEqualTo(GatewayRoute.NOT_FOUND);
        assertThat(exchange.outcome()).isEqualTo(RequestOutcome.NOT_FOUND);
        assertThat(exchange.answered()).isTrue();
        assertThat(channel.isOpen()).as("a 404 keeps the connection").isTrue();
    }

    @Test
    void aDotSegmentPathUnderTheWidgetApi_isAnswered404_withoutBeingPassedOn() {
        FullHttpRequest request = Http.full(allocator, HttpMethod.GET, "/v1/widget/../admin?key=x", ACME, "");

        channel.writeInbound(request);

        FullHttpResponse response = Http.response(channel);
        assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        assertThat(Http.errorCode(response)).isEqualTo("not_found");
        Http.release(response);
        assertThat(request.refCnt()).isZero();
        assertThat(next.seen()).isEmpty();
    }

    @Test
    void aWidgetRequest_startsAnExchangeWithItsRouteAndOrigin_andIsPassedOnWithItsBody() {
        long before = System.nanoTime();

        channel.writeInbound(Http.head(HttpMethod.POST, "/v1/widget/messages?key=k", ACME),
                Http.part(allocator, "a"), Http.last(allocator, "b"));

        assertThat(next.seen()).containsExactly("POST /v1/widget/messages?key=k", "part:a", "last:b");
        Exchange exchange = Exchange.of(channel);
        assertThat(next.exchanges()).containsOnly(exchange);
        assertThat(exchange.route()).isEqualTo(GatewayRoute.PROXY);
        assertThat(exchange.origin()).isEqualTo(ACME);
        assertThat(exchange.startedNanos()).isGreaterThanOrEqualTo(before);
        assertThat(exchange.answered()).isFalse();
        assertThat(exchange.allowed()).isNull();
        assertThat(exchange.outcome()).isNull();
        assertThat(channel.outboundMessages()).isEmpty();
    }

    @Test
    void eachRequest_getsARouteByItsMethodAndPath_andNoOriginWhenItSentNone() {
        channel.writeInbound(Http.head(HttpMethod.GET, "/v1/widget/bootstrap?key=k", null));
        assertThat(Exchange.of(channel).route()).isEqualTo(GatewayRoute.BOOTSTRAP);
        assertThat(Exchange.of(channel).origin()).isNull();
        channel.writeOutbound(fullResponse("1"));

        channel.writeInbound(Http.head(HttpMethod.OPTIONS, "/v1/widget/bootstrap", ACME));
        assertThat(Exchange.of(channel).route()).isEqualTo(GatewayRoute.PREFLIGHT);
        channel.writeOutbound(fullResponse("2"));

        channel.writeInbound(Http.head(HttpMethod.GET, "/v1/widget.js", null));
        assertThat(Exchange.of(channel).route()).isEqualTo(GatewayRoute.SCRIPT);
        channel.writeOutbound(fullResponse("3"));

        channel.writeInbound(Http.head(HttpMethod.GET, "http://edge.example.com/v1/widget/bootstrap?key=k", ACME));
        assertThat(Exchange.of(channel).route()).as("absolute-form target").isEqualTo(GatewayRoute.BOOTSTRAP);
        channel.writeOutbound(fullResponse("4"));

        assertThat(next.seen()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            Http.release(channel.readOutbound());
        }
    }

    @Test
    void aMalformedRequest_is400_withConnectionClose_andTheConnectionIsClosed() {
        FullHttpRequest request = Http.full(allocator, HttpMethod.GET, "/bad-request", null, "garbage");
        request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("invalid version")));

        channel.writeInbound(request);

        FullHttpResponse response = Http.response(channel);
        assertThat(response.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualToIgnoringCase("close");
        Http.release(response);
        assertThat(request.refCnt()).isZero();
        assertThat(next.seen()).isEmpty();
        assertThat(Exchange.of(channel).outcome()).isEqualTo(RequestOutcome.BAD_REQUEST);
        assertThat(Exchange.of(channel).answered()).isTrue();
        assertThat(channel.isOpen()).as("closed after the 400").isFalse();
    }

    @Test
    void aTooLongRequestLine_is414_andTooLargeHeaders_are431() {
        EmbeddedChannel other = TrackingAllocator.channel(allocator, new RequestRouter(), new Recorder());
        HttpRequest longLine = Http.head(HttpMethod.GET, "/bad-request", null);
        longLine.setDecoderResult(DecoderResult.failure(new TooLongHttpLineException("line too long")));
        HttpRequest largeHeaders = Http.head(HttpMethod.GET, "/bad-request", null);
        largeHeaders.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("headers too large")));

        channel.writeInbound(longLine);
        other.writeInbound(largeHeaders);

        FullHttpResponse uriTooLong = Http.response(channel);
        FullHttpResponse headersTooLarge = Http.response(other);
        assertThat(uriTooLong.status().code()).isEqualTo(414);
        assertThat(headersTooLarge.status().code()).isEqualTo(431);
        Http.release(uriTooLong);
        Http.release(headersTooLarge);
        assertThat(other.finish()).isFalse();
    }

    @Test
    void aPipelinedRequest_isHeldUntilTheLastPartOfTheResponseBeforeItIsWritten_andAnsweredInOrder() {
        channel.writeInbound(Http.head(HttpMethod.GET, "/v1/widget/first", ACME), LastHttpContent.EMPTY_LAST_CONTENT);
        Exchange first = Exchange.of(channel);

        channel.writeInbound(Http.head(HttpMethod.GET, "/v1/widget/second", ACME), LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(next.seen()).containsExactly("GET /v1/widget/first", "last:");
        assertThat(Exchange.of(channel)).as("the first exchange is still current").isSameAs(first);
        assertThat(channel.config().isAutoRead()).as("reading paused while a request is held").isFalse();

        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("x-response", "1");
        channel.writeOutbound(head, new DefaultHttpContent(allocator.text("body-1")));
        assertThat(next.seen()).as("still held: the response is not complete").hasSize(2);

        channel.writeOutbound(lastResponsePart("end-1"));

        // (Whether the held request's body follows its head at once is the subject of
        // theBodyOfAPipelinedRequest_isPassedOnWithItsHead_whenTheRequestIsReleased.)
        assertThat(next.seen()).startsWith("GET /v1/widget/first", "last:", "GET /v1/widget/second");
        assertThat(Exchange.of(channel)).isNotSameAs(first);
        assertThat(Exchange.of(channel).route()).isEqualTo(GatewayRoute.PROXY);
        assertThat(Exchange.of(channel).origin()).isEqualTo(ACME);

        channel.writeOutbound(fullResponse("2"));
        assertThat(next.seen()).containsExactly("GET /v1/widget/first", "last:", "GET /v1/widget/second", "last:");
        assertThat(channel.config().isAutoRead()).as("reading resumed").isTrue();

        HttpResponse firstHead = channel.readOutbound();
        assertThat(firstHead.headers().get("x-response")).isEqualTo("1");
        HttpContent firstBody = channel.readOutbound();
        assertThat(firstBody.content().toString(StandardCharsets.UTF_8)).isEqualTo("body-1");
        Http.release(firstBody);
        LastHttpContent firstEnd = channel.readOutbound();
        assertThat(firstEnd.content().toString(StandardCharsets.UTF_8)).isEqualTo("end-1");
        Http.release(firstEnd);
        FullHttpResponse second = Http.response(channel);
        assertThat(second.headers().get("x-response")).isEqualTo("2");
        Http.release(second);
    }

    @Test
    void aPipelinedRequestForAnUnknownPath_isAnswered404_afterTheResponseBeforeIt() {
        channel.writeInbound(Http.head(HttpMethod.GET, "/v1/widget/first", ACME), LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpRequest unknown = Http.full(allocator, HttpMethod.GET, "/nope", ACME, "");
        channel.writeInbound(unknown);
        assertThat(channel.outboundMessages()).as("the 404 waits for the first response").isEmpty();

        channel.writeOutbound(fullResponse("1"));

        FullHttpResponse first = Http.response(channel);
        assertThat(first.headers().get("x-response")).isEqualTo("1");
        Http.release(first);
        FullHttpResponse notFound = Http.response(channel);
        assertThat(notFound.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        Http.release(notFound);
        assertThat(unknown.refCnt()).isZero();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void threePipelinedRequests_areServedOneAtATime_inOrder() {
        channel.writeInbound(Http.head(HttpMethod.GET, "/v1/widget/1", ACME), LastHttpContent.EMPTY_LAST_CONTENT,
                Http.head(HttpMethod.GET, "/v1/widget/2", ACME), LastHttpContent.EMPTY_LAST_CONTENT,
                Http.head(HttpMethod.GET, "/v1/widget/3", ACME), LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(next.seen()).containsExactly("GET /v1/widget/1", "last:");

        channel.writeOutbound(fullResponse("1"));
        assertThat(next.seen()).startsWith("GET /v1/widget/1", "last:", "GET /v1/widget/2")
                .doesNotContain("GET /v1/widget/3");
        assertThat(channel.config().isAutoRead()).as("the third is still held").isFalse();

        channel.writeOutbound(fullResponse("2"));
        assertThat(next.seen()).startsWith("GET /v1/widget/1", "last:", "GET /v1/widget/2", "last:",
                "GET /v1/widget/3");

        channel.writeOutbound(fullResponse("3"));
        assertThat(next.seen()).containsExactly("GET /v1/widget/1", "last:", "GET /v1/widget/2", "last:",
                "GET /v1/widget/3", "last:");
        assertThat(channel.config().isAutoRead()).isTrue();
        for (String expected : new String[] {"1", "2", "3"}) {
            FullHttpResponse response = Http.response(channel);
            assertThat(response.headers().get("x-response")).isEqualTo(expected);
            Http.release(response);
        }
    }

    @Test
    void theBodyOfAPipelinedRequest_isPassedOnWithItsHead_whenTheRequestIsReleased() {
        channel.writeInbound(Http.head(HttpMethod.GET, "/v1/widget/first", ACME), LastHttpContent.EMPTY_LAST_CONTENT);
        channel.writeInbound(Http.head(HttpMethod.POST, "/v1/widget/second", ACME),
                Http.part(allocator, "hello "), Http.last(allocator, "world"));

        channel.writeOutbound(fullResponse("1"));

        // The second request is now the current exchange: its body must follow its head, or a
        // handler that answers only after the body (the proxy) waits forever, reading paused.
        assertThat(next.seen())
                .as("regression: RequestRouter#responseComplete stops after the released request's head "
                        + "(`!responding`), so its body parts stay held until its own response is written")
                .containsExactly("GET /v1/widget/first", "last:", "POST /v1/widget/second", "part:hello ",
                        "last:world");
        assertThat(channel.config().isAutoRead()).as("reading resumed once nothing is held").isTrue();

        channel.writeOutbound(fullResponse("2"));
        Http.release(channel.readOutbound());
        Http.release(channel.readOutbound());
    }

    @Test
    void bodyPartsOfARequestAnsweredBeforeItsBodyArrived_areReleased_notPassedOn() {
        next.onMessage((ChannelHandlerContext ctx, Object msg) -> {
            if (msg instanceof HttpRequest) {
                Exchange.of(ctx.channel()).markAnswered();
                ctx.writeAndFlush(fullResponse("denied"));
            }
        });
        HttpContent part = Http.part(allocator, "abc");
        LastHttpContent last = Http.last(allocator, "def");

        channel.writeInbound(Http.head(HttpMethod.POST, "/v1/widget/messages", ACME));
        channel.writeInbound(part, last);

        assertThat(next.seen()).containsExactly("POST /v1/widget/messages");
        assertThat(part.refCnt()).isZero();
        assertThat(last.refCnt()).isZero();
        Http.release(channel.readOutbound());
    }

    @Test
    void aBodyPartBeforeAnyRequest_isReleased() {
        HttpContent stray = Http.part(allocator, "stray");

        channel.writeInbound(stray);

        assertThat(stray.refCnt()).isZero();
        assertThat(next.seen()).isEmpty();
    }

    @Test
    void heldRequests_areReleased_whenTheConnectionCloses() {
        channel.writeInbound(Http.head(HttpMethod.GET, "/v1/widget/first", ACME), LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpRequest held = Http.full(allocator, HttpMethod.POST, "/v1/widget/second", ACME, "body");
        HttpContent heldPart = Http.part(allocator, "more");
        channel.writeInbound(held, heldPart);
        assertThat(held.refCnt()).isOne();

        channel.close();

        assertThat(held.refCnt()).isZero();
        assertThat(heldPart.refCnt()).isZero();
    }
}
