package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static dev.widgetedge.gateway.pipeline.Http.EVIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.RequestTarget;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DecisionHandler} on a real {@link dev.widgetedge.gateway.decide.KeyDecider} over an
 * in-memory store: every decision of docs/gateway.md, the wait for a store read (with the body parts that arrive
 * meanwhile), and where the key is read from. {@link CorsResponseHeaders} sits in front, as in the
 * gateway, so that the CORS headers of the answers are the ones a browser would see.
 */
class DecisionHandlerTest {

    private static final String BOOTSTRAP = "/v1/widget/bootstrap";
    private static final String MESSAGES = "/v1/widget/messages";

    private final DeciderFixture fixture = new DeciderFixture();
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final Recorder next = new Recorder();
    private final EmbeddedChannel channel = TrackingAllocator.channel(allocator,
            EventLoopTurn.INSTANCE, new CorsResponseHeaders(), new DecisionHandler(fixture.decider), next);

    @AfterEach
    void everythingIsReleased() {
        assertThat(channel.finish()).as("nothing left in the channel").isFalse();
        allocator.assertAllReleased();
    }

    /** Starts the exchange as the router would, for {@code uri}'s route. */
    private Exchange start(HttpMethod method, String uri, String origin) {
        RequestTarget target = RequestTarget.parse(uri);
        Exchange exchange = Exchange.start(channel, Routes.classify(method, target.path()), origin, System.nanoTime());
        exchange.describe(method.name(), target);
        return exchange;
    }

    /** A complete request with a small body, its exchange started. */
    private FullHttpRequest request(HttpMethod method, String uri, String origin) {
        start(method, uri, origin);
        return Http.full(allocator, method, uri, origin, "body");
    }

    /** Sends a complete request that must be denied; returns the answer, checked for what every denial has. */
    private FullHttpResponse denied(HttpMethod method, String uri, String origin, DenialReason reason) {
        FullHttpRequest request = request(method, uri, origin);
        return denied(request, reason);
    }

    private FullHttpResponse denied(FullHttpRequest request, DenialReason reason) {
        channel.writeInbound(request);
        EventLoopTurn.run(channel);

        FullHttpResponse response = Http.response(channel);
        assertThat(Http.errorCode(response)).isEqualTo(reason.code());
        assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN))
                .as("a denial carries no Access-Control-Allow-Origin").isFalse();
        assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isFalse();
        assertThat(response.headers().get(HttpHeaderNames.VARY)).isEqualTo("Origin");
        assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
        assertThat(request.refCnt()).as("the denied request is released").isZero();
        assertThat(next.seen()).as("a denied request goes no further").isEmpty();
        Exchange exchange = Exchange.of(channel);
        assertThat(exchange.answered()).isTrue();
        assertThat(exchange.allowed()).isNull();
        assertThat(exchange.outcome()).isEqualTo(RequestOutcome.of(reason));
        assertThat(channel.config().isAutoRead()).isTrue();
        return response;
    }

    private static void assertStatus(FullHttpResponse response, int status) {
        try {
            assertThat(response.status().code()).isEqualTo(status);
        } finally {
            Http.release(response);
        }
    }

    private Decision.Allowed expectedAllowed(String key) {
        return new Decision.Allowed(KeyDigest.keyId(key), DeciderFixture.ACCOUNT, DeciderFixture.AGENT, false);
    }

    @Test
    void noKey_is401MissingKey() {
        assertStatus(denied(HttpMethod.GET, BOOTSTRAP, ACME, DenialReason.MISSING_KEY), 401);
    }

    @Test
    void anEmptyKey_is401MissingKey() {
        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=", ACME, DenialReason.MISSING_KEY), 401);
    }

    @Test
    void aMalformedKey_is401InvalidKey_withoutAStoreRead() {
        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=pk_live_short", ACME, DenialReason.INVALID_KEY), 401);
        assertThat(fixture.store.reads()).isZero();
    }

    @Test
    void aRepeatedKeyParameter_is401InvalidKey_withoutAStoreRead() {
        String key = fixture.createKey(ACME);

        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key + "&key=" + key, ACME,
                DenialReason.INVALID_KEY), 401);
        assertThat(fixture.store.reads()).isZero();
    }

    @Test
    void aKeyWithAMalformedPercentEscape_is401InvalidKey() {
        FullHttpRequest request = request(HttpMethod.GET, BOOTSTRAP + "?key=%zz", ACME);

        assertThatCode(() -> channel.writeInbound(request))
                .as("regression: KeyParameter.of throws IllegalArgumentException out of DecisionHandler#channelRead: "
                        + "no response, the request is not released, and the connection hangs")
                .doesNotThrowAnyException();
        FullHttpResponse response = Http.response(channel);
        assertThat(Http.errorCode(response)).isEqualTo("invalid_key");
        assertStatus(response, 401);
        assertThat(request.refCnt()).isZero();
    }

    @Test
    void anUnknownKey_is401UnknownKey_afterAStoreRead() {
        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + fixture.unknownKey(), ACME,
                DenialReason.UNKNOWN_KEY), 401);
        assertThat(fixture.store.reads()).isOne();
    }

    @Test
    void aDisabledKey_is403KeyDisabled() {
        String key = fixture.createKey(ACME);
        fixture.disable(key);

        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key, ACME, DenialReason.KEY_DISABLED), 403);
    }

    @Test
    void noOriginHeader_is403OriginMissing() {
        String key = fixture.createKey(ACME);

        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key, null, DenialReason.ORIGIN_MISSING), 403);
    }

    @Test
    void anEmptyOrigin_is403OriginMissing() {
        String key = fixture.createKey(ACME);

        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key, "", DenialReason.ORIGIN_MISSING), 403);
    }

    @Test
    void anOriginOffTheAllowlist_is403OriginNotAllowed() {
        String key = fixture.createKey(ACME);

        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key, EVIL, DenialReason.ORIGIN_NOT_ALLOWED), 403);
    }

    @Test
    void theNullOrigin_andAnUnparseableOrigin_are403OriginNotAllowed() {
        String key = fixture.createKey(ACME);

        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key, "null", DenialReason.ORIGIN_NOT_ALLOWED), 403);
        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key, "https://acme.com/path",
                DenialReason.ORIGIN_NOT_ALLOWED), 403);
    }

    @Test
    void aMissWhileTheStoreIsDown_is503StoreUnavailable_withRetryAfter() {
        String key = fixture.createKey(ACME);
        fixture.store.down(true);

        FullHttpResponse response = denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key, ACME,
                DenialReason.STORE_UNAVAILABLE);

        assertThat(response.headers().getInt(HttpHeaderNames.RETRY_AFTER)).isPositive();
        assertStatus(response, 503);
    }

    @Test
    void aCachedDenial_isAnsweredWithoutAStoreRead() {
        String key = fixture.createKey(ACME);
        fixture.warm(key, ACME);
        int reads = fixture.store.reads();

        assertStatus(denied(HttpMethod.GET, BOOTSTRAP + "?key=" + key, EVIL, DenialReason.ORIGIN_NOT_ALLOWED), 403);
        assertThat(fixture.store.reads()).isEqualTo(reads);
    }

    @Test
    void anAllowedRequest_isPassedOn_withTheDecisionInItsExchange_andNothingWritten() {
        String key = fixture.createKey(ACME);
        FullHttpRequest request = request(HttpMethod.GET, BOOTSTRAP + "?key=" + key, ACME);

        channel.writeInbound(request);

        assertThat(next.seen()).containsExactly("GET " + BOOTSTRAP + "?key=" + key);
        Exchange exchange = Exchange.of(channel);
        assertThat(exchange.allowed()).isEqualTo(expectedAllowed(key));
        assertThat(exchange.answered()).isFalse();
        assertThat(exchange.outcome()).as("set by whoever answers").isNull();
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(request.refCnt()).as("released by the next handler").isZero();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aCachedAllowedKey_isPassedOnAtOnce_withoutAStoreRead() {
        String key = fixture.createKey(ACME);
        fixture.warm(key, ACME);
        int reads = fixture.store.reads();
        start(HttpMethod.POST, MESSAGES + "?key=" + key, ACME);

        channel.writeOneInbound(Http.head(HttpMethod.POST, MESSAGES + "?key=" + key, ACME));

        assertThat(next.seen()).as("decided before any task ran").hasSize(1);
        assertThat(fixture.store.reads()).isEqualTo(reads);
        channel.writeInbound(Http.last(allocator, "end"));
        assertThat(next.seen()).containsExactly("POST " + MESSAGES + "?key=" + key, "last:end");
    }

    @Test
    void duringAStoreRead_bodyPartsAreHeld_thenPassedOnInOrder_whenAllowed() {
        String key = fixture.createKey(ACME);
        fixture.store.holdReads(true);
        String uri = MESSAGES + "?key=" + key;
        start(HttpMethod.POST, uri, ACME);

        channel.writeInbound(Http.head(HttpMethod.POST, uri, ACME), Http.part(allocator, "one"),
                Http.part(allocator, "two"));
        channel.writeInbound(Http.last(allocator, "three"));

        assertThat(next.seen()).as("nothing passes before the decision").isEmpty();
        assertThat(channel.config().isAutoRead()).as("reading paused during the store read").isFalse();
        assertThat(fixture.store.heldReadCount()).isOne();

        fixture.store.releaseOneRead();
        EventLoopTurn.run(channel);

        assertThat(next.seen()).containsExactly("POST " + uri, "part:one", "part:two", "last:three");
        assertThat(next.exchanges()).allSatisfy(exchange -> assertThat(exchange.allowed())
                .isEqualTo(expectedAllowed(key)));
        assertThat(channel.config().isAutoRead()).as("reading resumed").isTrue();
        assertThat(channel.outboundMessages()).isEmpty();
    }

    @Test
    void duringAStoreRead_bodyPartsAreHeld_thenReleased_whenDenied() {
        String key = fixture.createKey(ACME);
        fixture.store.holdReads(true);
        String uri = MESSAGES + "?key=" + key;
        start(HttpMethod.POST, uri, EVIL);
        HttpContent one = Http.part(allocator, "one");
        LastHttpContent two = Http.last(allocator, "two");

        channel.writeInbound(Http.head(HttpMethod.POST, uri, EVIL), one, two);
        assertThat(channel.outboundMessages()).isEmpty();
        fixture.store.releaseOneRead();
        EventLoopTurn.run(channel);

        FullHttpResponse response = Http.response(channel);
        assertThat(Http.errorCode(response)).isEqualTo("origin_not_allowed");
        assertThat(response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
        assertStatus(response, 403);
        assertThat(one.refCnt()).isZero();
        assertThat(two.refCnt()).isZero();
        assertThat(next.seen()).isEmpty();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void bodyPartsArrivingAfterADenial_areReleased() {
        start(HttpMethod.POST, MESSAGES, ACME);
        HttpContent late = Http.part(allocator, "late");

        channel.writeInbound(Http.head(HttpMethod.POST, MESSAGES, ACME));
        Http.release(Http.response(channel));
        channel.writeInbound(late, LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(late.refCnt()).isZero();
        assertThat(next.seen()).isEmpty();
    }

    @Test
    void aStoreReadThatEndsAfterTheConnectionClosed_releasesTheRequestAndItsHeldParts() {
        String key = fixture.createKey(ACME);
        fixture.store.holdReads(true);
        String uri = MESSAGES + "?key=" + key;
        FullHttpRequest request = request(HttpMethod.POST, uri, ACME);
        HttpContent part = Http.part(allocator, "part");
        channel.writeInbound(request, part);

        channel.close();
        fixture.store.releaseOneRead();
        channel.runPendingTasks();

        assertThat(request.refCnt()).isZero();
        assertThat(part.refCnt()).isZero();
        assertThat(next.seen()).isEmpty();
    }

    @Test
    void theXWidgetKeyHeader_isUsedOnProxiedRoutes() {
        String key = fixture.createKey(ACME);
        FullHttpRequest request = request(HttpMethod.POST, MESSAGES, ACME);
        request.headers().set("X-Widget-Key", key);

        channel.writeInbound(request);

        assertThat(next.seen()).containsExactly("POST " + MESSAGES);
        assertThat(Exchange.of(channel).allowed()).isEqualTo(expectedAllowed(key));
    }

    @Test
    void theKeyParameter_winsOverTheXWidgetKeyHeader_onProxiedRoutes() {
        String key = fixture.createKey(ACME);
        FullHttpRequest request = request(HttpMethod.POST, MESSAGES + "?key=pk_live_short", ACME);
        request.headers().set("X-Widget-Key", key);

        assertStatus(denied(request, DenialReason.INVALID_KEY), 401);
    }

    @Test
    void theXWidgetKeyHeader_isIgnoredOnBootstrap() {
        String key = fixture.createKey(ACME);
        FullHttpRequest request = request(HttpMethod.GET, BOOTSTRAP, ACME);
        request.headers().set("X-Widget-Key", key);

        assertStatus(denied(request, DenialReason.MISSING_KEY), 401);
    }

    @Test
    void theXWidgetKeyHeader_isIgnoredOnAPreflight_whichThenPassesAsKeyless() {
        FullHttpRequest request = request(HttpMethod.OPTIONS, MESSAGES, EVIL);
        request.headers().set("X-Widget-Key", "pk_live_short");

        channel.writeInbound(request);

        assertThat(next.seen()).containsExactly("OPTIONS " + MESSAGES);
        assertThat(Exchange.of(channel).allowed()).isNull();
        assertThat(channel.outboundMessages()).isEmpty();
    }

    @Test
    void aPreflightWithoutAKey_passesThroughUndecided_withoutAStoreRead() {
        channel.writeInbound(request(HttpMethod.OPTIONS, BOOTSTRAP, EVIL));

        assertThat(next.seen()).containsExactly("OPTIONS " + BOOTSTRAP);
        assertThat(Exchange.of(channel).allowed()).isNull();
        assertThat(Exchange.of(channel).answered()).isFalse();
        assertThat(fixture.store.reads()).isZero();
        assertThat(channel.outboundMessages()).isEmpty();
    }

    @Test
    void aPreflightWithAKey_isDecided_andPassedOnWhenAllowed() {
        String key = fixture.createKey(ACME);

        channel.writeInbound(request(HttpMethod.OPTIONS, BOOTSTRAP + "?key=" + key, ACME));

        assertThat(next.seen()).containsExactly("OPTIONS " + BOOTSTRAP + "?key=" + key);
        assertThat(Exchange.of(channel).allowed()).isEqualTo(expectedAllowed(key));
    }

    @Test
    void aPreflightWithAKey_isDenied403WithoutCorsHeaders_whenTheOriginIsNotAllowed() {
        String key = fixture.createKey(ACME);

        assertStatus(denied(HttpMethod.OPTIONS, BOOTSTRAP + "?key=" + key, EVIL, DenialReason.ORIGIN_NOT_ALLOWED),
                403);
    }

    @Test
    void theScript_passesThroughWithoutADecision() {
        channel.writeInbound(request(HttpMethod.GET, "/v1/widget.js", null));

        assertThat(next.seen()).containsExactly("GET /v1/widget.js");
        assertThat(Exchange.of(channel).allowed()).isNull();
        assertThat(channel.outboundMessages()).isEmpty();
    }

    @Test
    void aDeniedRequestsBody_heldDuringAStoreRead_isNeverPassedOnAsTheNextPipelinedRequestsBody() {
        // The gateway's order: the router in front, so that the denial's write completes the
        // exchange and starts the held, pipelined request before this handler is done.
        Recorder proxy = new Recorder();
        EmbeddedChannel pipelined = TrackingAllocator.channel(allocator, EventLoopTurn.INSTANCE,
                new CorsResponseHeaders(), new RequestRouter(), new DecisionHandler(fixture.decider), proxy);
        String key = fixture.createKey(ACME);
        fixture.store.holdReads(true);
        String uri = MESSAGES + "?key=" + key;
        try {
            pipelinedRequests_deniedThenAllowed(pipelined, proxy, uri);
        } finally {
            pipelined.finishAndReleaseAll();
        }
    }

    private void pipelinedRequests_deniedThenAllowed(EmbeddedChannel pipelined, Recorder proxy, String uri) {
        pipelined.writeInbound(Http.head(HttpMethod.POST, uri, EVIL), Http.part(allocator, "denied-body"),
                Http.last(allocator, "denied-end"));
        pipelined.writeInbound(Http.head(HttpMethod.POST, uri, ACME), Http.part(allocator, "allowed-body"),
                Http.last(allocator, "allowed-end"));
        fixture.store.releaseOneRead();
        EventLoopTurn.run(pipelined);

        FullHttpResponse denial = Http.response(pipelined);
        assertThat(Http.errorCode(denial)).isEqualTo("origin_not_allowed");
        Http.release(denial);
        assertThat(proxy.seen()).as("the second request was decided (allowed) and passed on").startsWith("POST " + uri);
        assertThat(proxy.seen())
                .as("regression: DecisionHandler applies the denial (whose write starts the next pipelined request "
                        + "re-entrantly through RequestRouter) before draining its `waiting` parts, which are "
                        + "then passed on under the NEW exchange: the denied request's body reaches the "
                        + "upstream as the allowed request's body")
                .doesNotContain("part:denied-body", "last:denied-end");
    }
    /**
     * The gateway's order, with the bootstrap answering on the request head: a bootstrap that waits
     * for a store read, followed by a pipelined proxied request for another key, which waits too.
     */
    private final class BootstrapThenProxied implements AutoCloseable {

        final Recorder proxy = new Recorder();
        final EmbeddedChannel channel = TrackingAllocator.channel(allocator, EventLoopTurn.INSTANCE,
                new CorsResponseHeaders(), new RequestRouter(), new DecisionHandler(fixture.decider),
                new BootstrapHandler(), proxy);
        final String proxiedUri;

        BootstrapThenProxied() {
            String bootstrapKey = fixture.createKey(ACME);
            proxiedUri = MESSAGES + "?key=" + fixture.createKey(ACME);
            fixture.store.holdReads(true);
            channel.writeInbound(Http.head(HttpMethod.GET, BOOTSTRAP + "?key=" + bootstrapKey, ACME),
                    Http.last(allocator, "bootstrap-end"));
            channel.writeInbound(Http.head(HttpMethod.POST, proxiedUri, ACME), Http.last(allocator, "proxied-end"));
            fixture.store.releaseOneRead();
            EventLoopTurn.run(channel);
        }

        /** Answers the proxied request's store read. */
        void decideTheProxiedRequest() {
            fixture.store.releaseOneRead();
            EventLoopTurn.run(channel);
        }

        @Override
        public void close() {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void whileAPipelinedRequestWaitsForItsStoreRead_readingStaysPaused() {
        try (BootstrapThenProxied scenario = new BootstrapThenProxied()) {
            FullHttpResponse bootstrap = Http.response(scenario.channel);
            assertThat(bootstrap.status()).isEqualTo(HttpResponseStatus.OK);
            Http.release(bootstrap);
            assertThat(fixture.store.heldReadCount()).as("the proxied request waits for its own read").isOne();

            assertThat(scenario.channel.config().isAutoRead())
                    .as("regression: reading resumed while the pipelined request waits for its store read, so its "
                            + "body piles up in DecisionHandler's `waiting` without backpressure: the first "
                            + "decision's task ends with an unconditional setAutoRead(true) although applying it "
                            + "started the next request (RequestRouter#responseComplete also re-enables reading "
                            + "without knowing a decision is pending)")
                    .isFalse();
        }
    }

    @Test
    void theLastPartOfARequestAnsweredOnItsHead_isNotPassedOnAsTheNextPipelinedRequestsLastPart() {
        try (BootstrapThenProxied scenario = new BootstrapThenProxied()) {
            Http.release(Http.response(scenario.channel));

            scenario.decideTheProxiedRequest();

            assertThat(scenario.proxy.seen()).as("the proxied request was allowed and passed on")
                    .startsWith("POST " + scenario.proxiedUri);
            assertThat(scenario.proxy.seen())
                    .as("regression: the bootstrap's last part, still in DecisionHandler's `waiting` when applying the "
                            + "bootstrap decision started the next request, is passed on after that request's "
                            + "head: the upstream sees the bootstrap's body end as the proxied request's")
                    .doesNotContain("last:bootstrap-end");
        }
    }
}
