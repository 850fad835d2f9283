package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.gateway.pipeline.Responder.Answer;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PreflightResponder}: the CORS preflight answered at the edge. */
class PreflightResponderTest {

    private static final String URI = "/v1/widget/conversations";
    private static final Decision.Allowed ALLOWED =
            new Decision.Allowed(UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"), "acct_123", null, false);

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final PreflightResponder preflight = new PreflightResponder();

    @AfterEach
    void everythingIsReleased() {
        allocator.assertAllReleased();
    }

    private Answer preflight(String origin, Decision.Allowed allowed) {
        Exchange exchange = allowed == null ? Exchanges.of(HttpMethod.OPTIONS, URI, origin)
                : Exchanges.allowed(HttpMethod.OPTIONS, URI, origin, allowed);
        HttpRequest request = Http.head(HttpMethod.OPTIONS, URI, origin);
        request.headers().set(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .set(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS, "content-type, x-widget-key");
        return preflight.respond(exchange, request, allocator);
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
        Answer answer = preflight(ACME, null);

        assertPreflightAnswer(answer.response(), ACME);
        assertThat(answer.outcome()).isEqualTo(RequestOutcome.PREFLIGHT);
        Http.release(answer.response());
    }

    @Test
    void theAllowOrigin_isTheExactRequestOrigin_asSent() {
        String origin = "https://Shop.ACME.com:8443";

        Answer answer = preflight(origin, null);

        assertPreflightAnswer(answer.response(), origin);
        Http.release(answer.response());
    }

    @Test
    void anAllowedKeyedPreflight_gets204WithTheCorsAnswer() {
        Answer answer = preflight(ACME, ALLOWED);

        assertPreflightAnswer(answer.response(), ACME);
        assertThat(answer.outcome()).isEqualTo(RequestOutcome.PREFLIGHT);
        Http.release(answer.response());
    }

    @Test
    void aPreflightWithoutOrigin_is403OriginMissing_withoutCorsHeaders() {
        for (String origin : new String[] {null, ""}) {
            Answer answer = preflight(origin, null);
            FullHttpResponse response = answer.response();

            assertThat(response.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
            assertThat(Http.errorCode(response)).isEqualTo("origin_missing");
            assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
            assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isFalse();
            assertThat(answer.outcome()).isEqualTo(RequestOutcome.ORIGIN_MISSING);
            Http.release(response);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "https://acme.com/path", "acme.com", "https://user@acme.com",
        "https://acme.com https://evil.example", "https://acme.com:99999", "https://acme..com"})
    void aPreflightFromAnOriginThatDoesNotParse_is403OriginNotAllowed_withoutCorsHeaders(String origin) {
        Answer answer = preflight(origin, null);
        FullHttpResponse response = answer.response();

        assertThat(response.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(Http.errorCode(response)).isEqualTo("origin_not_allowed");
        assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
        assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isFalse();
        assertThat(answer.outcome()).isEqualTo(RequestOutcome.ORIGIN_NOT_ALLOWED);
        Http.release(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://foreign.example", "null", "", "not an origin"})
    void aPreflightServedInReportMode_is204_allowingOnlyAnOriginThatParses(String origin) {
        Answer answer = preflight(origin, ALLOWED.asReported());
        FullHttpResponse response = answer.response();

        assertThat(response.status()).isEqualTo(HttpResponseStatus.NO_CONTENT);
        assertThat(response.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN))
                .isEqualTo(origin.startsWith("https://") ? origin : null);
        assertThat(response.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isNotNull();
        Http.release(response);
        assertThat(answer.outcome()).isEqualTo(RequestOutcome.PREFLIGHT);
    }
}
