package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static dev.widgetedge.gateway.pipeline.Http.EVIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.InFlightRequests;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole {@link GatewayInitializer} pipeline (no upstream) on an {@link EmbeddedChannel}: raw
 * request bytes in, raw response bytes out, through the real HTTP codec, keep-alive handling,
 * in-flight tracking and every gateway handler, with every buffer accounted for.
 */
class GatewayPipelineTest {

    private static final WidgetScript SCRIPT = WidgetScript.load();

    private final DeciderFixture fixture = new DeciderFixture();
    private final CountingMetrics metrics = new CountingMetrics();
    private final InFlightRequests inFlight = new InFlightRequests();
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final List<ByteBuf> sent = new ArrayList<>();
    private final EmbeddedChannel channel = TrackingAllocator.channel(allocator,
            new GatewayInitializer(fixture.settings, fixture.decider, metrics, null, inFlight));

    GatewayPipelineTest() {
        channel.pipeline().addFirst(EventLoopTurn.INSTANCE);
    }

    @AfterEach
    void everythingIsReleased() {
        assertThat(channel.finish()).as("nothing left in the channel").isFalse();
        assertThat(sent).allSatisfy(bytes -> assertThat(bytes.refCnt()).isZero());
        allocator.assertAllReleased();
        assertThat(inFlight.inFlight()).as("no request left in flight").isZero();
    }

    /** Sends raw request bytes ({@code \n} becomes CRLF). */
    private void send(String requests) {
        ByteBuf bytes = Http.raw(allocator, requests);
        sent.add(bytes);
        channel.writeInbound(bytes);
    }

    /** Every response written so far, its buffers released. */
    private List<RawResponse> responses() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object written;
        while ((written = channel.readOutbound()) != null) {
            assertThat(written).isInstanceOf(ByteBuf.class);
            ByteBuf buffer = (ByteBuf) written;
            out.writeBytes(ByteBufUtil.getBytes(buffer));
            Http.release(buffer);
        }
        return RawResponse.parseAll(out.toByteArray());
    }

    private RawResponse onlyResponse() {
        List<RawResponse> responses = responses();
        assertThat(responses).hasSize(1);
        return responses.get(0);
    }

    private static String get(String uri, String origin) {
        return "GET " + uri + " HTTP/1.1\nHost: edge.example.com\n" + (origin == null ? "" : "Origin: " + origin + "\n")
                + "\n";
    }

    private static void assertDenial(RawResponse response, int status, String code) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.error()).isEqualTo(code);
        assertThat(response.has("access-control-allow-origin")).as("a denial carries no allow-origin").isFalse();
        assertThat(response.has("access-control-allow-credentials")).isFalse();
        assertThat(response.header("vary")).isEqualTo("Origin");
        assertThat(response.header("cache-control")).isEqualTo("no-store");
    }

    @Test
    void anAllowedBootstrap_is200_withTheKeysIdentity_andTheCorsHeadersOfAnAllowedResponse() {
        String key = fixture.createKey(ACME);

        send(get("/v1/widget/bootstrap?key=" + key, ACME));

        RawResponse response = onlyResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).isEqualTo("application/json");
        assertThat(Http.json(response.body())).containsExactly(Map.entry("key_id", KeyDigest.keyId(key).toString()),
                Map.entry("account_id", DeciderFixture.ACCOUNT), Map.entry("agent_id", DeciderFixture.AGENT));
        assertThat(response.header("access-control-allow-origin")).isEqualTo(ACME);
        assertThat(response.has("access-control-allow-credentials")).isFalse();
        assertThat(response.header("vary")).isEqualTo("Origin");
        assertThat(response.header("cache-control")).isEqualTo("no-store");
        assertThat(response.has("connection")).isFalse();
        assertThat(channel.isOpen()).isTrue();
        assertThat(metrics.requests).containsExactly(RequestOutcome.ALLOWED);
        assertThat(allocator.allocatedCount()).as("the codec and the handlers allocate from the tracked allocator")
                .isGreaterThan(2);
    }

    @Test
    void aBootstrapFromAnOriginOffTheAllowlist_is403_withoutAllowOrigin() {
        String key = fixture.createKey(ACME);

        send(get("/v1/widget/bootstrap?key=" + key, EVIL));

        assertDenial(onlyResponse(), 403, "origin_not_allowed");
        assertThat(channel.isOpen()).as("a denial keeps the connection").isTrue();
        assertThat(metrics.requests).containsExactly(RequestOutcome.ORIGIN_NOT_ALLOWED);
    }

    @Test
    void keyDenials_are401_andADisabledKeyIs403() {
        String disabled = fixture.createKey(ACME);
        fixture.disable(disabled);

        send(get("/v1/widget/bootstrap", ACME));
        send(get("/v1/widget/bootstrap?key=pk_live_nope", ACME));
        send(get("/v1/widget/bootstrap?key=" + fixture.unknownKey(), ACME));
        send(get("/v1/widget/bootstrap?key=" + disabled, ACME));

        List<RawResponse> responses = responses();
        assertThat(responses).hasSize(4);
        assertDenial(responses.get(0), 401, "missing_key");
        assertDenial(responses.get(1), 401, "invalid_key");
        assertDenial(responses.get(2), 401, "unknown_key");
        assertDenial(responses.get(3), 403, "key_disabled");
    }

    @Test
    void aMissWhileTheStoreIsDown_is503_withRetryAfter() {
        String key = fixture.createKey(ACME);
        fixture.store.down(true);

        send(get("/v1/widget/bootstrap?key=" + key, ACME));

        RawResponse response = onlyResponse();
        assertDenial(response, 503, "store_unavailable");
        assertThat(Integer.parseInt(response.header("retry-after"))).isPositive();
    }

    @Test
    void theScript_isServedWithoutAKey_withItsEtag_andWithoutVary() {
        send(get("/v1/widget.js", null));

        RawResponse response = onlyResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).startsWith("text/javascript");
        assertThat(response.header("cache-control")).isEqualTo("public, max-age=300");
        assertThat(response.header("etag")).isEqualTo(SCRIPT.etag());
        assertThat(response.bodyBytes()).isEqualTo(SCRIPT.body());
        assertThat(response.has("vary")).isFalse();
        assertThat(metrics.requests).containsExactly(RequestOutcome.SCRIPT);
    }

    @Test
    void aRevalidatedScript_is304_andTheConnectionStaysOpenForTheNextRequest() {
        send("GET /v1/widget.js HTTP/1.1\nHost: edge.example.com\nIf-None-Match: " + SCRIPT.etag() + "\n\n");

        RawResponse notModified = onlyResponse();
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.bodyBytes()).isEmpty();
        assertThat(notModified.header("etag")).isEqualTo(SCRIPT.etag());
        assertThat(channel.isOpen())
                .as("regression: the 304 has no Content-Length, and Netty's HttpServerKeepAliveHandler only treats "
                        + "Content-Length, chunked, 1xx and 204 as self-delimited, so it closes the connection "
                        + "after every 304 (Connection: %s). Setting Content-Length to the script's length on the "
                        + "304 (RFC 9110 §8.6 allows it) keeps the connection.", notModified.header("connection"))
                .isTrue();
        send(get("/v1/widget.js", null));
        assertThat(onlyResponse().status()).isEqualTo(200);
    }

    @Test
    void anUnknownPath_is404Json_withoutVary_andKeepsTheConnection() {
        send(get("/.env", ACME));

        RawResponse response = onlyResponse();
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.error()).isEqualTo("not_found");
        assertThat(response.has("vary")).isFalse();
        assertThat(response.has("access-control-allow-origin")).isFalse();
        assertThat(channel.isOpen()).isTrue();
        assertThat(metrics.requests).containsExactly(RequestOutcome.NOT_FOUND);
    }

    @Test
    void anAllowedProxiedRequest_withoutAnUpstream_is404_withTheCorsHeadersOfAnAllowedResponse() {
        String key = fixture.createKey(ACME);

        send("POST /v1/widget/messages HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME + "\nX-Widget-Key: " + key
                + "\nContent-Type: application/json\nContent-Length: 11\n\n{\"a\":\"b\"}\n");

        RawResponse response = onlyResponse();
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.error()).isEqualTo("not_found");
        assertThat(response.header("access-control-allow-origin")).isEqualTo(ACME);
        assertThat(response.header("vary")).isEqualTo("Origin");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aDeniedProxiedRequestWithABody_is401_andItsBodyIsDropped_beforeTheNextRequest() {
        send("POST /v1/widget/messages HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME
                + "\nContent-Length: 5\n\nhello" + get("/v1/widget.js", null));

        List<RawResponse> responses = responses();
        assertThat(responses).hasSize(2);
        assertDenial(responses.get(0), 401, "missing_key");
        assertThat(responses.get(1).status()).isEqualTo(200);
    }

    @Test
    void aPreflight_is204_withTheCorsAnswer() {
        send("OPTIONS /v1/widget/messages HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME
                + "\nAccess-Control-Request-Method: POST\nAccess-Control-Request-Headers: content-type, x-widget-key\n\n");

        RawResponse response = onlyResponse();
        assertThat(response.status()).isEqualTo(204);
        assertThat(response.header("access-control-allow-origin")).isEqualTo(ACME);
        assertThat(response.header("access-control-allow-methods")).isEqualTo("GET, POST, PUT, PATCH, DELETE");
        assertThat(response.header("access-control-allow-headers")).isEqualTo("Content-Type, X-Widget-Key");
        assertThat(response.header("access-control-max-age")).isEqualTo("600");
        assertThat(response.header("vary"))
                .isEqualTo("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        assertThat(channel.isOpen()).isTrue();
        assertThat(metrics.requests).containsExactly(RequestOutcome.PREFLIGHT);
    }

    @Test
    void twoRequestsInTurn_onOneKeptAliveConnection_areBothAnswered() {
        String key = fixture.createKey(ACME);

        send(get("/v1/widget/bootstrap?key=" + key, ACME));
        RawResponse first = onlyResponse();
        send(get("/v1/widget/bootstrap?key=" + key, ACME));
        RawResponse second = onlyResponse();

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(channel.isOpen()).isTrue();
        assertThat(fixture.store.reads()).as("the second was decided from the cache").isOne();
        assertThat(metrics.requests).containsExactly(RequestOutcome.ALLOWED, RequestOutcome.ALLOWED);
    }

    @Test
    void pipelinedRequests_inOneRead_areAnsweredInOrder() {
        String key = fixture.createKey(ACME);

        send(get("/v1/widget/bootstrap?key=" + key, ACME) + get("/nope", null) + get("/v1/widget.js", null)
                + get("/v1/widget/bootstrap?key=" + key, EVIL));

        List<RawResponse> responses = responses();
        assertThat(responses).extracting(RawResponse::status).containsExactly(200, 404, 200, 403);
        assertThat(responses.get(3).error()).isEqualTo("origin_not_allowed");
        assertThat(channel.isOpen()).isTrue();
        assertThat(metrics.requests).containsExactly(RequestOutcome.ALLOWED, RequestOutcome.NOT_FOUND,
                RequestOutcome.SCRIPT, RequestOutcome.ORIGIN_NOT_ALLOWED);
    }

    @Test
    void aPipelinedRequest_behindAStoreRead_isAnsweredAfterTheFirst_inOrder() {
        String key = fixture.createKey(ACME);
        fixture.store.holdReads(true);

        send(get("/v1/widget/bootstrap?key=" + key, ACME) + get("/v1/widget/bootstrap?key=" + key, EVIL));
        assertThat(channel.outboundMessages()).as("nothing before the store answers").isEmpty();

        fixture.store.releaseOneRead();
        EventLoopTurn.run(channel);

        List<RawResponse> responses = responses();
        assertThat(responses).extracting(RawResponse::status).containsExactly(200, 403);
        assertThat(responses.get(0).header("access-control-allow-origin")).isEqualTo(ACME);
        assertThat(responses.get(1).has("access-control-allow-origin")).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void connectionClose_isHonoured_afterTheResponse() {
        send("GET /v1/widget.js HTTP/1.1\nHost: edge.example.com\nConnection: close\n\n");

        RawResponse response = onlyResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aMalformedRequest_is400_andClosesTheConnection() {
        send("GET /v1/widget.js HTTP/1.1\nHost: edge.example.com\nContent-Length: nope\n\n");

        RawResponse response = onlyResponse();
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.requests).containsExactly(RequestOutcome.BAD_REQUEST);
    }

    @Test
    void aKeyWithAMalformedPercentEscape_isAnswered401_notLeftHanging() {
        assertThatCode(() -> send(get("/v1/widget/bootstrap?key=%zz", ACME)))
                .as("regression: an exception escapes the pipeline (KeyParameter.of -> QueryStringDecoder) and no "
                        + "response is written: a real client waits for the idle timeout")
                .doesNotThrowAnyException();
        List<RawResponse> responses = responses();
        assertThat(responses).as("regression: no response to a key with a malformed percent-escape").hasSize(1);
        assertDenial(responses.get(0), 401, "invalid_key");
    }

    @Test
    void twoOriginHeaders_areNotAllowed_evenWhenTheFirstIsOnTheAllowlist() {
        String key = fixture.createKey(ACME);

        send("GET /v1/widget/bootstrap?key=" + key + " HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME
                + "\nOrigin: " + EVIL + "\n\n");

        RawResponse response = onlyResponse();
        assertThat(response.status())
                .as("regression: an Origin with several values never matches (docs/origins.md), but RequestRouter reads only "
                        + "the first Origin header (headers().get) and the request is allowed")
                .isEqualTo(403);
        assertDenial(response, 403, "origin_not_allowed");
    }

    @Test
    void aClientReset_midRequest_isCounted_andClosesTheConnection() {
        send("GET /v1/widget/bootstrap HTTP/1.1\nHost: edge.example.com\n");

        channel.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));

        assertThat(metrics.connectionResets).isEqualTo(1);
        assertThat(channel.isOpen()).isFalse();
        assertThat(responses()).isEmpty();
    }
}
