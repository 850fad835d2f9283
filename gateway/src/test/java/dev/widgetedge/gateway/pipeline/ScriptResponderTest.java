package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.gateway.pipeline.Responder.Answer;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ScriptResponder}: {@code /v1/widget.js}, cacheable, with a strong ETag and 304. */
class ScriptResponderTest {

    private static final WidgetScript SCRIPT = WidgetScript.load();
    private static final String URI = "/v1/widget.js";

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final ScriptResponder responder = new ScriptResponder(SCRIPT);

    @AfterEach
    void everythingIsReleased() {
        allocator.assertAllReleased();
    }

    private FullHttpResponse request(HttpMethod method, String... ifNoneMatch) {
        HttpRequest request = Http.head(method, URI, null);
        for (String value : ifNoneMatch) {
            request.headers().add(HttpHeaderNames.IF_NONE_MATCH, value);
        }

        Answer answer = responder.respond(Exchanges.of(method, URI, null), request, allocator);

        assertThat(answer.outcome()).isEqualTo(RequestOutcome.SCRIPT);
        return answer.response();
    }

    private static void assertFullScript(FullHttpResponse response) {
        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/javascript");
        assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("public, max-age=300");
        assertThat(response.headers().get(HttpHeaderNames.ETAG)).isEqualTo(SCRIPT.etag());
        assertThat(ByteBufUtil.getBytes(response.content())).isEqualTo(SCRIPT.body());
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(SCRIPT.body().length);
    }

    private static void assertNotModified(FullHttpResponse response) {
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
            assertThat(response.content().readableBytes()).as("a 304 has no body").isZero();
            assertThat(response.headers().get(HttpHeaderNames.ETAG)).isEqualTo(SCRIPT.etag());
            assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("public, max-age=300");
        } finally {
            Http.release(response);
        }
    }

    @Test
    void get_isTheScript_cacheableForFiveMinutes_withAStrongEtag() {
        FullHttpResponse response = request(HttpMethod.GET);

        assertFullScript(response);
        assertThat(SCRIPT.etag()).startsWith("\"").endsWith("\"").doesNotStartWith("W/").hasSizeGreaterThan(10);
        Http.release(response);
    }

    @Test
    void theEtag_isStable_acrossLoads_andDerivedFromTheBytes() {
        assertThat(WidgetScript.load().etag()).isEqualTo(SCRIPT.etag());
        assertThat(SCRIPT.body()).isNotEmpty();
    }

    @Test
    void aMatchingIfNoneMatch_is304WithoutABody() {
        assertNotModified(request(HttpMethod.GET, SCRIPT.etag()));
    }

    @Test
    void aWeakIfNoneMatch_matches_sinceIfNoneMatchUsesWeakComparison() {
        assertNotModified(request(HttpMethod.GET, "W/" + SCRIPT.etag()));
    }

    @Test
    void anIfNoneMatchList_containingTheTag_matches() {
        assertNotModified(request(HttpMethod.GET, "\"other\", " + SCRIPT.etag()));
        assertNotModified(request(HttpMethod.GET, "\"a\",W/" + SCRIPT.etag() + " , \"b\""));
    }

    @Test
    void aStar_matches() {
        assertNotModified(request(HttpMethod.GET, "*"));
    }

    @Test
    void head_withAMatchingTag_is304() {
        assertNotModified(request(HttpMethod.HEAD, SCRIPT.etag()));
    }

    @Test
    void anotherTag_anUnquotedTag_orAnEmptyValue_getTheFullScript() {
        for (String other : new String[] {"\"other\"", SCRIPT.etag().replace("\"", ""), "W/\"x\", \"y\"", ""}) {
            FullHttpResponse response = request(HttpMethod.GET, other);
            assertFullScript(response);
            Http.release(response);
        }
    }

    @Test
    void head_hasTheHeadersOfGet_andNoBody() {
        FullHttpResponse response = request(HttpMethod.HEAD);

        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.content().readableBytes()).isZero();
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(SCRIPT.body().length);
        assertThat(response.headers().get(HttpHeaderNames.ETAG)).isEqualTo(SCRIPT.etag());
        assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("public, max-age=300");
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/javascript");
        Http.release(response);
    }

    @Test
    void post_andOtherMethods_are405_withAllowGetHead() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
                HttpMethod.OPTIONS}) {
            FullHttpResponse response = request(method, SCRIPT.etag());

            assertThat(response.status()).as("%s", method).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
            assertThat(Http.errorCode(response)).isEqualTo("method_not_allowed");
            assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
            assertThat(response.headers().contains(HttpHeaderNames.ETAG)).isFalse();
            Http.release(response);
        }
    }
}
