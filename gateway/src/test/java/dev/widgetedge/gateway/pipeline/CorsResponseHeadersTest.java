package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.widget.Decision;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link CorsResponseHeaders}: the CORS and caching headers of every {@code /v1/widget/**} response. */
class CorsResponseHeadersTest {

    private static final Decision.Allowed ALLOWED =
            new Decision.Allowed(UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"), "acct_123", null, false);

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel channel = TrackingAllocator.channel(allocator, new CorsResponseHeaders());

    @AfterEach
    void everythingIsReleased() {
        assertThat(channel.finish()).as("nothing left in the channel").isFalse();
        allocator.assertAllReleased();
    }

    private void exchange(GatewayRoute route, String origin, boolean allowed) {
        Exchange exchange = Exchange.start(channel, route, origin, System.nanoTime());
        if (allowed) {
            exchange.allow(ALLOWED);
        }
    }

    /** A request served in report mode although its origin is not allowed. */
    private void reported(GatewayRoute route, String origin) {
        Exchange.start(channel, route, origin, System.nanoTime()).allow(ALLOWED.asReported());
    }

    private FullHttpResponse response(HttpResponseStatus status, String... headerPairs) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, allocator.text("{}"));
        for (int i = 0; i < headerPairs.length; i += 2) {
            response.headers().add(headerPairs[i], headerPairs[i + 1]);
        }
        return response;
    }

    /** Writes {@code response} through the handler and returns the headers that left. */
    private HttpHeaders written(HttpResponse response) {
        channel.writeOutbound(response);
        HttpResponse out = channel.readOutbound();
        assertThat(out).isSameAs(response);
        HttpHeaders headers = out.headers().copy();
        if (out instanceof FullHttpResponse full) {
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
    void aResponseBeforeAnyExchange_isUntouched() {
        HttpHeaders headers = written(response(HttpResponseStatus.BAD_REQUEST));

        assertThat(headers.contains(HttpHeaderNames.VARY)).isFalse();
        assertThat(headers.contains(HttpHeaderNames.CACHE_CONTROL)).isFalse();
    }

    @Test
    void informationalResponses_areUntouched_theFinalOneGetsTheHeaders() {
        exchange(GatewayRoute.PROXY, ACME, true);

        HttpHeaders interim = written(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        HttpHeaders last = written(response(HttpResponseStatus.OK));

        assertThat(interim.isEmpty()).isTrue();
        assertThat(last.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(ACME);
        assertThat(last.get(HttpHeaderNames.VARY)).isEqualTo("Origin");
    }

    @Test
    void aStreamedResponse_getsTheHeadersOnItsHead_andItsPartsPassThrough() {
        exchange(GatewayRoute.PROXY, ACME, true);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        LastHttpContent last = new DefaultLastHttpContent(allocator.text("body"));

        channel.writeOutbound(head, last);

        HttpResponse outHead = channel.readOutbound();
        assertThat(outHead.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(ACME);
        LastHttpContent outLast = channel.readOutbound();
        assertThat(outLast).isSameAs(last);
        Http.release(outLast);
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
