package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static dev.widgetedge.gateway.pipeline.Http.EVIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.server.AccessLog;
import dev.widgetedge.server.InFlightRequests;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole {@link GatewayInitializer} pipeline (no upstream) on an {@link EmbeddedChannel}: raw
 * request bytes in, raw response bytes out, through the real HTTP codec, keep-alive handling,
 * in-flight tracking, flow control and the exchange handler, on a real {@code KeyDecider} over a
 * store the test controls, with every buffer accounted for.
 */
class GatewayPipelineTest {

    private static final WidgetScript SCRIPT = WidgetScript.load();

    private final DeciderFixture fixture = new DeciderFixture();
    private final CountingMetrics metrics = new CountingMetrics();
    private final InFlightRequests inFlight = new InFlightRequests();
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final List<ByteBuf> sent = new ArrayList<>();
    private final FlushCounter flushes = new FlushCounter();
    /** What the exchange decides with: the fixture's decider, unless a test hands out its own stages. */
    private final SteerableDecisions decisions = new SteerableDecisions(Decisions.of(fixture.decider));
    private final EmbeddedChannel channel = TrackingAllocator.channel(allocator,
            new GatewayInitializer(fixture.settings, decisions, metrics, null, inFlight, AccessLog.shared(),
                    TestPipelines.localLimits(fixture.settings, metrics)));

    GatewayPipelineTest() {
        channel.pipeline().addFirst(EventLoopTurn.INSTANCE);
        channel.pipeline().addFirst(flushes);
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
        assertThat(allocator.allocatedCount())
                .as("besides the request the test sent, the encoder allocates from the tracked allocator")
                .isGreaterThanOrEqualTo(2);
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
        send(get("/v1/widget.js", null));
        assertThat(onlyResponse().status()).as("the connection reads on").isEqualTo(200);
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

    // --- decisions, byte for byte ---------------------------------------------------------------

    @Test
    void originDenials_areForbidden_withTheirReason() {
        String key = fixture.createKey(ACME);

        send(get("/v1/widget/bootstrap?key=" + key, null));
        send(get("/v1/widget/bootstrap?key=" + key, ""));
        send(get("/v1/widget/bootstrap?key=" + key, "null"));
        send(get("/v1/widget/bootstrap?key=" + key, "https://acme.com/path"));

        List<RawResponse> responses = responses();
        assertThat(responses).hasSize(4);
        assertDenial(responses.get(0), 403, "origin_missing");
        assertDenial(responses.get(1), 403, "origin_missing");
        assertDenial(responses.get(2), 403, "origin_not_allowed");
        assertDenial(responses.get(3), 403, "origin_not_allowed");
    }

    @Test
    void aRepeatedKeyParameter_is401InvalidKey_withoutAStoreRead() {
        String key = fixture.createKey(ACME);

        send(get("/v1/widget/bootstrap?key=" + key + "&key=" + key, ACME));

        assertDenial(onlyResponse(), 401, "invalid_key");
        assertThat(fixture.store.reads()).isZero();
    }

    @Test
    void theXWidgetKeyHeader_decidesAProxiedRequest_butTheKeyParameterWins() {
        String key = fixture.createKey(ACME);

        send("GET /v1/widget/messages HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME + "\nX-Widget-Key: " + key
                + "\n\n");
        send("GET /v1/widget/messages?key=pk_live_short HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME
                + "\nX-Widget-Key: " + key + "\n\n");

        List<RawResponse> responses = responses();
        assertThat(responses.get(0).status()).as("allowed, then 404 for want of an upstream").isEqualTo(404);
        assertThat(responses.get(0).header("access-control-allow-origin")).isEqualTo(ACME);
        assertDenial(responses.get(1), 401, "invalid_key");
    }

    @Test
    void theXWidgetKeyHeader_isIgnoredOnBootstrap_andOnAPreflight() {
        String key = fixture.createKey(ACME);

        send("GET /v1/widget/bootstrap HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME + "\nX-Widget-Key: " + key
                + "\n\n");
        send("OPTIONS /v1/widget/messages HTTP/1.1\nHost: edge.example.com\nOrigin: " + EVIL
                + "\nX-Widget-Key: pk_live_short\n\n");

        List<RawResponse> responses = responses();
        assertDenial(responses.get(0), 401, "missing_key");
        assertThat(responses.get(1).status()).as("a keyless preflight, for an origin that parses").isEqualTo(204);
        assertThat(responses.get(1).header("access-control-allow-origin")).isEqualTo(EVIL);
        assertThat(fixture.store.reads()).isZero();
    }

    @Test
    void aPreflightWithAKey_isDecided() {
        String key = fixture.createKey(ACME);

        send("OPTIONS /v1/widget/bootstrap?key=" + key + " HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME + "\n\n");
        send("OPTIONS /v1/widget/bootstrap?key=" + key + " HTTP/1.1\nHost: edge.example.com\nOrigin: " + EVIL + "\n\n");

        List<RawResponse> responses = responses();
        assertThat(responses.get(0).status()).isEqualTo(204);
        assertThat(responses.get(0).header("access-control-allow-origin")).isEqualTo(ACME);
        assertDenial(responses.get(1), 403, "origin_not_allowed");
        assertThat(metrics.requests).containsExactly(RequestOutcome.PREFLIGHT, RequestOutcome.ORIGIN_NOT_ALLOWED);
    }

    @Test
    void aCachedDecision_isAnsweredInTheReadItArrivedIn_withoutATask() {
        String key = fixture.createKey(ACME);
        fixture.warm(key, ACME);
        String unknown = fixture.unknownKey();
        fixture.warm(unknown, ACME);
        int reads = fixture.store.reads();

        channel.writeInbound(Http.raw(allocator, get("/v1/widget/bootstrap?key=" + key, ACME)
                + get("/v1/widget/bootstrap?key=" + unknown, ACME)));

        assertThat(channel.hasPendingTasks()).as("no task was queued for either decision").isFalse();
        List<RawResponse> responses = responses();
        assertThat(responses).extracting(RawResponse::status).containsExactly(200, 401);
        assertThat(fixture.store.reads()).isEqualTo(reads);
    }

    @Test
    void answersMadeInOneRead_leaveInOneFlush() {
        String key = fixture.createKey(ACME);
        fixture.warm(key, ACME);
        int before = flushes.count;

        send((get("/v1/widget/bootstrap?key=" + key, ACME) + get("/v1/widget.js", null) + get("/nope", null)).repeat(4));

        assertThat(responses()).hasSize(12).extracting(RawResponse::status).containsOnly(200, 404);
        assertThat(flushes.count - before)
                .as("write in the read loop, flush at the end of the read batch: not a flush per response")
                .isOne();
    }

    // --- request bodies -------------------------------------------------------------------------

    @Test
    void duringAStoreRead_theBodyIsNotRead_andAfterTheAnswerItIsDropped_beforeTheNextRequest() {
        String key = fixture.createKey(ACME);
        fixture.store.holdReads(true);

        send("POST /v1/widget/messages?key=" + key + " HTTP/1.1\nHost: edge.example.com\nOrigin: " + EVIL
                + "\nContent-Length: 11\n\nhello there" + get("/v1/widget.js", null));
        assertThat(channel.outboundMessages()).isEmpty();
        fixture.store.releaseOneRead();
        EventLoopTurn.run(channel);

        List<RawResponse> responses = responses();
        assertThat(responses).hasSize(2);
        assertDenial(responses.get(0), 403, "origin_not_allowed");
        assertThat(responses.get(1).status()).isEqualTo(200);
    }

    @Test
    void aStoreReadThatEndsAfterTheConnectionClosed_leavesNothingBehind() {
        String key = fixture.createKey(ACME);
        fixture.store.holdReads(true);
        send("POST /v1/widget/messages?key=" + key + " HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME
                + "\nContent-Length: 4\n\nbody" + get("/v1/widget/bootstrap?key=" + key, ACME));

        channel.close();
        fixture.store.releaseOneRead();
        channel.runPendingTasks();

        assertThat(responses()).isEmpty();
    }

    @Test
    void theRestOfABodyOverTheLimit_afterADenial_endsTheConnection() {
        long limit = fixture.settings.upstream().maxBodyBytes();

        send("POST /v1/widget/messages HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME
                + "\nTransfer-Encoding: chunked\n\n");
        assertDenial(onlyResponse(), 401, "missing_key");
        String chunk = Long.toHexString(64 * 1024) + "\n" + "x".repeat(64 * 1024) + "\n";
        for (long sentBytes = 0; sentBytes <= limit && channel.isOpen(); sentBytes += 64 * 1024) {
            send(chunk);
        }

        assertThat(channel.isOpen()).as("the drained rest of a denied body is bounded").isFalse();
    }

    @Test
    void aMalformedChunkAfterADenial_endsTheConnection() {
        send("POST /v1/widget/messages HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME
                + "\nTransfer-Encoding: chunked\n\nzz\nnot a chunk\n");

        assertDenial(onlyResponse(), 401, "missing_key");
        assertThat(channel.isOpen()).as("nothing after a broken chunk can be read as a request").isFalse();
    }

    @Test
    void aTooLongRequestLine_is414_andTheConnectionCloses() {
        send("GET /v1/widget/bootstrap?key=" + "k".repeat(GatewayInitializer.MAX_INITIAL_LINE) + " HTTP/1.1\n\n");

        RawResponse response = onlyResponse();
        assertThat(response.status()).isEqualTo(414);
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.requests).containsExactly(RequestOutcome.BAD_REQUEST);
    }

    @Test
    void tooLargeHeaders_are431_andTheConnectionCloses() {
        send("GET /v1/widget.js HTTP/1.1\nHost: edge.example.com\nX-Big: " + "h".repeat(GatewayInitializer.MAX_HEADER_SIZE)
                + "\n\n");

        assertThat(onlyResponse().status()).isEqualTo(431);
        assertThat(channel.isOpen()).isFalse();
    }

    // --- the decision's hand-off ----------------------------------------------------------------

    @Test
    void aDecisionThatFails_isAnswered503_andTheConnectionGoesOn() {
        String key = fixture.createKey(ACME);
        CompletableFuture<Decision> failing = new CompletableFuture<>();
        decisions.next(failing);

        send(get("/v1/widget/bootstrap?key=" + key, ACME));
        failing.completeExceptionally(new IllegalStateException("a bug in the decide path"));
        EventLoopTurn.run(channel);

        List<RawResponse> responses = responses();
        assertThat(responses)
                .as("regression: the decision's hand-off was thenAccept + execute: a failed stage never answered, "
                        + "and the connection waited for the idle timeout with reading paused")
                .hasSize(1);
        assertDenial(responses.get(0), 503, "store_unavailable");
        assertThat(responses.get(0).header("retry-after")).isNotNull();
        send(get("/v1/widget.js", null));
        assertThat(onlyResponse().status()).isEqualTo(200);
    }

    @Test
    void aDecisionAlreadyFailed_isAnswered503_atOnce() {
        decisions.next(CompletableFuture.failedFuture(new IllegalStateException("a bug in the decide path")));

        send(get("/v1/widget/bootstrap?key=" + fixture.createKey(ACME), ACME));

        assertDenial(onlyResponse(), 503, "store_unavailable");
    }

    /** Decides with the real decide path, unless a test has handed it the stage of the next miss. */
    private static final class SteerableDecisions implements Decisions {

        private final Decisions real;
        private CompletableFuture<Decision> next;

        SteerableDecisions(Decisions real) {
            this.real = real;
        }

        void next(CompletableFuture<Decision> stage) {
            next = stage;
        }

        @Override
        public Decision decideCached(String key, CharSequence origin) {
            return next == null ? real.decideCached(key, origin) : null;
        }

        @Override
        public CompletionStage<Decision> decide(String key, CharSequence origin) {
            if (next == null) {
                return real.decide(key, origin);
            }
            CompletableFuture<Decision> stage = next;
            next = null;
            return stage;
        }

        @Override
        public void rateLimited(Decision.Allowed allowed, CharSequence origin) {
            real.rateLimited(allowed, origin);
        }
    }

    /** Counts the flushes that reach the head of the pipeline. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {

        private int count;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            count++;
            ctx.flush();
        }
    }
}
