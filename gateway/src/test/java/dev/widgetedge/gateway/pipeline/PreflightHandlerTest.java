package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PreflightHandler}: the CORS preflight answered at the edge (docs/gateway.md, "CORS"). */
class PreflightHandlerTest {

    private static final String URI = "/v1/widget/conversations";
    private static final Decision.Allowed ALLOWED =
            new Decision.Allowed(UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"), "acct_123", null, false);

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final Recorder next = new Recorder();
    private final EmbeddedChannel channel = TrackingAllocator.channel(allocator, new PreflightHandler(), next);

    @AfterEach
    void everythingIsReleased() {
        assertThat(channel.finish()).as("nothing left in the channel").isFalse();
        allocator.assertAllReleased();
    }

    private FullHttpResponse preflight(String origin, Decision.Allowed allowed) {
        Exchange exchange = Exchange.start(channel, GatewayRoute.PREFLIGHT, origin, System.nanoTime());
        if (allowed != null) {
            exchange.allow(allowed);
        }
        FullHttpRequest request = Http.full(allocator, HttpMethod.OPTIONS, URI, origin, "");
        request.headers().set(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .set(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS, "content-type, x-widget-key");

        channel.writeInbound(request);

        assertThat(request.refCnt()).as("the preflight is released, never forwarded").isZero();
        assertThat(next.seen()).isEmpty();
        assertThat(exchange.answered()).isTrue();
        return Http.response(channel);
    }

    private static void assertPreflightAnswer(FullHttpResponse response, String origin) {
        HttpHeaders headers = response.headers();
        assertThat(response.status()).isEqualTo(HttpResponseStatus.NO_CONTENT);
        assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(origin);
        assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isEqualTo("GET, POST, PUT, PATCH, DELETE");
        assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS)).isEqualTo("Content-Type, X-Widget-Key");
        assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE)).isEqualTo("600");
        assertThat(headers.getAll(HttpHeaderNames.VARY))
                .containsExactly("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        assertThat(headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isFalse();
        assertThat(response.content().readableBytes()).isZero();
    }

    @Test
    void aKeylessPreflight_fromAnOriginThatParses_gets204WithTheCorsAnswer() {
        FullHttpResponse response = preflight(ACME, null);

        assertPreflightAnswer(response, ACME);
        Http.release(response);
        assertThat(Exchange.of(channel).outcome()).isEqualTo(RequestOutcome.PREFLIGHT);
    }

    @Test
    void theAllowOrigin_isTheExactRequestOrigin_asSent() {
        String origin = "https://Shop.ACME.com:8443";

        FullHttpResponse response = preflight(origin, null);

        assertPreflightAnswer(response, origin);
        Http.release(response);
    }

    @Test
    void anAllowedKeyedPreflight_gets204WithTheCorsAnswer() {
        FullHttpResponse response = preflight(ACME, ALLOWED);

        assertPreflightAnswer(response, ACME);
        Http.release(response);
        assertThat(Exchange.of(channel).outcome()).isEqualTo(RequestOutcome.PREFLIGHT);
    }

    @Test
    void aPreflightWithoutOrigin_is403OriginMissing_withoutCorsHeaders() {
        for (String origin : new String[] {null, ""}) {
            FullHttpResponse response = preflight(origin, null);

            assertThat(response.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
            assertThat(Http.errorCode(response)).isEqualTo("origin_missing");
            assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
            assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isFalse();
            Http.release(response);
            assertThat(Exchange.of(channel).outcome()).isEqualTo(RequestOutcome.ORIGIN_MISSING);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "https://acme.com/path", "acme.com", "https://user@acme.com",
        "https://acme.com https://evil.example", "https://acme.com:99999", "https://acme..com"})
    void aPreflightFromAnOriginThatDoesNotParse_is403OriginNotAllowed_withoutCorsHeaders(String origin) {
        FullHttpResponse response = preflight(origin, null);

        assertThat(response.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(Http.errorCode(response)).isEqualTo("origin_not_allowed");
        assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
        assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isFalse();
        Http.release(response);
        assertThat(Exchange.of(channel).outcome()).isEqualTo(RequestOutcome.ORIGIN_NOT_ALLOWED);
    }

    @Test
    void otherRoutes_andBodyParts_arePassedOnUntouched() {
        Exchange.start(channel, GatewayRoute.PROXY, ACME, System.nanoTime());
        FullHttpRequest proxied = Http.full(allocator, HttpMethod.OPTIONS, "/v1/widget.js", ACME, "x");

        channel.writeInbound(proxied, Http.last(allocator, "end"));

        assertThat(next.seen()).containsExactly("OPTIONS /v1/widget.js", "last:end");
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(Exchange.of(channel).answered()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://foreign.example", "null", "", "not an origin"})
    void aPreflightServedInReportMode_is204_allowingOnlyAnOriginThatParses(String origin) {
        FullHttpResponse response = preflight(origin, ALLOWED.asReported());

        assertThat(response.status()).isEqualTo(HttpResponseStatus.NO_CONTENT);
        assertThat(response.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN))
                .isEqualTo(origin.startsWith("https://") ? origin : null);
        assertThat(response.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isNotNull();
        Http.release(response);
        assertThat(Exchange.of(channel).outcome()).isEqualTo(RequestOutcome.PREFLIGHT);
    }
}
