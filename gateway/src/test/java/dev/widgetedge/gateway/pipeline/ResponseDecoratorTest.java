package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.AccessLog;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ResponseDecorator}: the CORS and caching headers of every {@code /v1/widget/**} response,
 * the request metrics and the access log line, from the exchange each response answers.
 */
class ResponseDecoratorTest {

    private static final Decision.Allowed ALLOWED =
            new Decision.Allowed(UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"), "acct_123", null, false);

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final CountingMetrics metrics = new CountingMetrics();
    private final List<AccessLog.Line> lines = new CopyOnWriteArrayList<>();
    private final AccessLog accessLog = AccessLog.writingTo(new AccessLog.Sink() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public void write(AccessLog.Line line) {
            lines.add(line);
        }
    }, 16);
    private final ResponseDecorator decorator = new ResponseDecorator(metrics, accessLog);
    private Exchange exchange;

    @AfterEach
    void everythingIsReleased() {
        allocator.assertAllReleased();
    }

    private void exchange(GatewayRoute route, String origin, boolean allowed) {
        exchange(route, origin, allowed ? ALLOWED : null);
    }

    /** The current exchange: {@code route} from {@code origin}, allowed on {@code decision} or ({@code null}) not. */
    private void exchange(GatewayRoute route, String origin, Decision.Allowed decision) {
        String uri = switch (route) {
            case BOOTSTRAP -> "/v1/widget/bootstrap";
            case SCRIPT -> "/v1/widget.js";
            case NOT_FOUND -> "/nowhere";
            default -> "/v1/widget/messages";
        };
        HttpMethod method = route == GatewayRoute.PREFLIGHT ? HttpMethod.OPTIONS : HttpMethod.GET;
        exchange = decision != null ? Exchanges.allowed(method, uri, origin, decision) : Exchanges.of(method, uri, origin);
        assertThat(exchange.route()).isEqualTo(route);
    }

    /** A request served in report mode although its origin is not allowed. */
    private void reported(GatewayRoute route, String origin) {
        exchange(route, origin, ALLOWED.asReported());
    }

    private FullHttpResponse response(HttpResponseStatus status, String... headerPairs) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, allocator.text("{}"));
        for (int i = 0; i < headerPairs.length; i += 2) {
            response.headers().add(headerPairs[i], headerPairs[i + 1]);
        }
        return response;
    }

    /** Decorates {@code response} for the current exchange and returns the headers it then has. */
    private HttpHeaders written(HttpResponse response) {
        decorator.decorate(exchange, response, RequestOutcome.ALLOWED);
        HttpHeaders headers = response.headers().copy();
        if (response instanceof FullHttpResponse full) {
            Http.release(full);
        }
        return headers;
    }

    private HttpHeaders allowedProxied(String... headerPairs) {
        exchange(GatewayRoute.PROXY, ACME, true);
        return written(response(HttpResponseStatus.OK, headerPairs));
    }

    @Test
    void noVary_becomesVaryOrigin() {
        assertThat(allowedProxied().getAll(HttpHeaderNames.VARY)).containsExactly("Origin");
    }

    @Test
    void anUpstreamVary_keepsItsValues_andGainsOrigin() {
        assertThat(allowedProxied("Vary", "Accept-Encoding").getAll(HttpHeaderNames.VARY))
                .containsExactly("Accept-Encoding, Origin");
    }

    @Test
    void aVaryThatAlreadyNamesOrigin_inAnyCase_isUnchanged() {
        assertThat(allowedProxied("Vary", "origin").getAll(HttpHeaderNames.VARY)).containsExactly("origin");
        assertThat(allowedProxied("Vary", "Accept-Encoding, ORIGIN").getAll(HttpHeaderNames.VARY))
                .containsExactly("Accept-Encoding, ORIGIN");
        assertThat(allowedProxied("Vary", "Accept-Encoding,Origin ").getAll(HttpHeaderNames.VARY))
                .containsExactly("Accept-Encoding,Origin ");
    }

    @Test
    void varyStar_isUnchanged() {
        assertThat(allowedProxied("Vary", "*").getAll(HttpHeaderNames.VARY)).containsExactly("*");
    }

    @Test
    void severalVaryHeaders_areMergedIntoOne_withOrigin() {
        assertThat(allowedProxied("Vary", "Accept-Encoding", "Vary", "Accept-Language, Cookie")
                .getAll(HttpHeaderNames.VARY)).containsExactly("Accept-Encoding, Accept-Language, Cookie, Origin");
    }

    @Test
    void severalVaryHeaders_oneOfWhichNamesOrigin_areUnchanged() {
        assertThat(allowedProxied("Vary", "Accept-Encoding", "Vary", "Origin").getAll(HttpHeaderNames.VARY))
                .containsExactly("Accept-Encoding", "Origin");
    }

    @Test
    void aVaryTokenThatOnlyStartsWithOrigin_doesNotCount() {
        assertThat(allowedProxied("Vary", "Originator").getAll(HttpHeaderNames.VARY))
                .containsExactly("Originator, Origin");
    }

    @Test
    void anAllowedResponse_allowsTheExactRequestOrigin_replacingTheUpstreamsOwn() {
        String origin = "https://Shop.Acme.com:8443";
        exchange(GatewayRoute.PROXY, origin, true);

        HttpHeaders headers = written(response(HttpResponseStatus.OK,
                "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Origin", "https://other.example"));

        assertThat(headers.getAll(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).containsExactly(origin);
    }

    @Test
    void anAllowedUpstreamError_stillAllowsTheOrigin_andKeepsItsCacheControl() {
        exchange(GatewayRoute.PROXY, ACME, true);

        HttpHeaders headers = written(response(HttpResponseStatus.NOT_FOUND, "Cache-Control", "max-age=60"));

        assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(ACME);
        assertThat(headers.get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("max-age=60");
    }

    @Test
    void aProxiedAllowedResponse_keepsTheUpstreamsCacheControl() {
        assertThat(allowedProxied("Cache-Control", "public, max-age=60").get(HttpHeaderNames.CACHE_CONTROL))
                .isEqualTo("public, max-age=60");
        assertThat(allowedProxied().contains(HttpHeaderNames.CACHE_CONTROL)).isFalse();
    }

    @Test
    void aDenial_hasNoAllowOrigin_evenIfOneWasSet_andIsNoStore() {
        exchange(GatewayRoute.PROXY, ACME, false);

        HttpHeaders headers = written(response(HttpResponseStatus.FORBIDDEN,
                "Access-Control-Allow-Origin", ACME, "Cache-Control", "max-age=600"));

        assertThat(headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
        assertThat(headers.getAll(HttpHeaderNames.CACHE_CONTROL)).containsExactly("no-store");
        assertThat(headers.getAll(HttpHeaderNames.VARY)).containsExactly("Origin");
    }

    @Test
    void allowCredentials_isAlwaysRemoved() {
        for (GatewayRoute route : new GatewayRoute[] {GatewayRoute.BOOTSTRAP, GatewayRoute.PROXY,
                GatewayRoute.PREFLIGHT}) {
            for (boolean allowed : new boolean[] {true, false}) {
                exchange(route, ACME, allowed);
                HttpHeaders headers = written(response(allowed ? HttpResponseStatus.OK : HttpResponseStatus.FORBIDDEN,
                        "Access-Control-Allow-Credentials", "true"));
                assertThat(headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS))
                        .as("%s allowed=%s", route, allowed).isFalse();
            }
        }
    }

    @Test
    void anAllowedBootstrap_allowsTheOrigin_andIsNoStore_replacingAnyCacheControl() {
        exchange(GatewayRoute.BOOTSTRAP, ACME, true);

        HttpHeaders headers = written(response(HttpResponseStatus.OK, "Cache-Control", "public, max-age=300"));

        assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(ACME);
        assertThat(headers.getAll(HttpHeaderNames.CACHE_CONTROL)).containsExactly("no-store");
        assertThat(headers.getAll(HttpHeaderNames.VARY)).containsExactly("Origin");
    }

    @Test
    void aDeniedBootstrap_isNoStore_withoutAllowOrigin() {
        exchange(GatewayRoute.BOOTSTRAP, ACME, false);

        HttpHeaders headers = written(response(HttpResponseStatus.UNAUTHORIZED));

        assertThat(headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
        assertThat(headers.get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
    }

    @Test
    void thePreflightAnswer_isLeftAlone_butForAllowCredentials() {
        exchange(GatewayRoute.PREFLIGHT, ACME, false);
        String preflightVary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

        HttpHeaders headers = written(response(HttpResponseStatus.NO_CONTENT,
                "Access-Control-Allow-Origin", ACME, "Vary", preflightVary,
                "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE",
                "Access-Control-Allow-Credentials", "true"));

        assertThat(headers.getAll(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).containsExactly(ACME);
        assertThat(headers.getAll(HttpHeaderNames.VARY)).containsExactly(preflightVary);
        assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isEqualTo("GET, POST, PUT, PATCH, DELETE");
        assertThat(headers.contains(HttpHeaderNames.CACHE_CONTROL)).isFalse();
        assertThat(headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isFalse();
    }

    @Test
    void aPreflightDenial_isNoStore_withVaryOrigin() {
        exchange(GatewayRoute.PREFLIGHT, "null", false);

        HttpHeaders headers = written(response(HttpResponseStatus.FORBIDDEN));

        assertThat(headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
        assertThat(headers.get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
        assertThat(headers.getAll(HttpHeaderNames.VARY)).containsExactly("Origin");
    }

    @Test
    void responsesOutsideTheWidgetApi_areUntouched() {
        for (GatewayRoute route : new GatewayRoute[] {GatewayRoute.SCRIPT, GatewayRoute.NOT_FOUND}) {
            exchange(route, ACME, false);

            HttpHeaders headers = written(response(HttpResponseStatus.NOT_FOUND,
                    "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true",
                    "Cache-Control", "public, max-age=300"));

            assertThat(headers.contains(HttpHeaderNames.VARY)).as("%s", route).isFalse();
            assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("*");
            assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isEqualTo("true");
            assertThat(headers.get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("public, max-age=300");
        }
    }

    @Test
    void everyResponse_isCountedOnce_byItsOutcome_timedFromTheRequestHead() {
        exchange(GatewayRoute.PROXY, ACME, true);
        long before = System.nanoTime() - exchange.startedNanos();
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);

        decorator.decorate(exchange, head, RequestOutcome.ALLOWED);

        assertThat(metrics.requests).containsExactly(RequestOutcome.ALLOWED);
        assertThat(metrics.durations.get(0)).isGreaterThanOrEqualTo(before);
        assertThat(exchange.outcome()).isEqualTo(RequestOutcome.ALLOWED);
    }

    @Test
    void eachExchange_isCountedByItsOwnOutcome() {
        for (RequestOutcome outcome : new RequestOutcome[] {RequestOutcome.SCRIPT, RequestOutcome.NOT_FOUND,
                RequestOutcome.STORE_UNAVAILABLE}) {
            exchange(GatewayRoute.BOOTSTRAP, ACME, false);
            decorator.decorate(exchange, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK),
                    outcome);
        }

        assertThat(metrics.requests).containsExactly(RequestOutcome.SCRIPT, RequestOutcome.NOT_FOUND,
                RequestOutcome.STORE_UNAVAILABLE);
    }

    @Test
    void theAccessLogLine_hasThePathWithoutQuery_theStatus_theOutcome_andTheKeyId_neverTheKey() {
        exchange = Exchanges.allowed(HttpMethod.GET, "/v1/widget/bootstrap?key=pk_live_secret", ACME, ALLOWED);

        decorator.decorate(exchange, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK),
                RequestOutcome.ALLOWED);

        await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() == 1);
        AccessLog.Line line = lines.get(0);
        assertThat(line.server()).isEqualTo("gateway");
        assertThat(line.method()).isEqualTo("GET");
        assertThat(line.path()).isEqualTo("/v1/widget/bootstrap");
        assertThat(line.status()).isEqualTo(200);
        assertThat(line.outcome()).isEqualTo("allowed");
        assertThat(line.keyId()).isEqualTo(ALLOWED.keyId());
        assertThat(line.client()).isEqualTo("203.0.113.9");
        assertThat(line.toString()).doesNotContain("pk_live_secret");
    }

    @Test
    void aReportedRequest_fromAnOriginThatParses_getsItEchoed_exactlyAsSent() {
        reported(GatewayRoute.BOOTSTRAP, "https://Foreign.example");

        HttpHeaders headers = written(response(HttpResponseStatus.OK));

        assertThat(headers.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("https://Foreign.example");
        assertThat(headers.get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "https://acme.com/path", "not an origin", ""})
    void aReportedRequest_fromNullOrAnOriginThatDoesNotParse_getsNoAllowOrigin(String origin) {
        reported(GatewayRoute.PROXY, origin);

        HttpHeaders headers = written(response(HttpResponseStatus.OK, "Access-Control-Allow-Origin", "*"));

        assertThat(headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
        assertThat(headers.get(HttpHeaderNames.VARY)).isEqualTo("Origin");
    }

    @Test
    void aReportedRequest_withoutOrigin_getsNoAllowOrigin() {
        reported(GatewayRoute.BOOTSTRAP, null);

        assertThat(written(response(HttpResponseStatus.OK)).contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN))
                .isFalse();
    }
}
