package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static dev.widgetedge.gateway.pipeline.Http.EVIL;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import dev.widgetedge.gateway.RateLimitSettings;
import dev.widgetedge.gateway.limit.RateLimiter;
import dev.widgetedge.gateway.metrics.LimitKind;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.server.AccessLog;
import dev.widgetedge.server.InFlightRequests;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rate limits in the real pipeline ({@code GatewayInitializer}) on an embedded channel: where
 * in a request's lifecycle they are checked, what a {@code 429} looks like, and that every buffer
 * of it is released. A per-client limit of 2 and a miss limit of 2 per window, counted locally.
 */
class RateLimitPipelineTest {

    private final DeciderFixture fixture = new DeciderFixture();
    private final CountingMetrics metrics = new CountingMetrics();
    private final InFlightRequests inFlight = new InFlightRequests();
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final List<ByteBuf> sent = new ArrayList<>();
    private final RateLimiter limits = RateLimiter.local(new RateLimitSettings(2, 0, 2, 1000, Duration.ofMinutes(1),
            30, Duration.ofMillis(250)), Ticker.systemTicker(), Runnable::run, metrics);
    private final EmbeddedChannel channel = TrackingAllocator.channel(allocator, new GatewayInitializer(fixture.settings,
            Decisions.of(fixture.decider), metrics, null, inFlight, AccessLog.shared(), limits));

    RateLimitPipelineTest() {
        channel.pipeline().addFirst(EventLoopTurn.INSTANCE);
    }

    @AfterEach
    void everythingIsReleased() {
        assertThat(channel.finish()).as("nothing left in the channel").isFalse();
        assertThat(sent).allSatisfy(bytes -> assertThat(bytes.refCnt()).isZero());
        allocator.assertAllReleased();
        assertThat(inFlight.inFlight()).isZero();
    }

    private void send(String request) {
        ByteBuf bytes = Http.raw(allocator, request);
        sent.add(bytes);
        channel.writeInbound(bytes);
    }

    private static String request(String method, String uri, String origin) {
        return method + " " + uri + " HTTP/1.1\nHost: edge.example.com\n" + (origin == null ? "" : "Origin: " + origin + "\n")
                + "\n";
    }

    private List<RawResponse> responses() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ByteBuf buffer = (ByteBuf) written;
            out.writeBytes(ByteBufUtil.getBytes(buffer));
            Http.release(buffer);
        }
        return RawResponse.parseAll(out.toByteArray());
    }

    @Test
    void overThePerClientLimit_is429_withTheDraftsHeaders_andTheAllowedOriginsCors() {
        String key = fixture.createKey(ACME);
        for (int i = 0; i < 3; i++) {
            send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));
        }

        List<RawResponse> responses = responses();
        assertThat(responses).extracting(RawResponse::status).containsExactly(200, 200, 429);
        RawResponse limited = responses.get(2);
        assertThat(limited.error()).isEqualTo("rate_limited");
        assertThat(limited.header("content-type")).isEqualTo("application/json");
        long retryAfter = Long.parseLong(limited.header("retry-after"));
        assertThat(retryAfter).isBetween(60L, 62L);
        assertThat(limited.header("ratelimit-policy")).isEqualTo("\"client\";q=2;w=60");
        assertThat(limited.header("ratelimit")).isEqualTo("\"client\";r=0;t=" + retryAfter);
        assertThat(limited.header("access-control-allow-origin")).isEqualTo(ACME);
        assertThat(limited.header("access-control-expose-headers")).isEqualTo("Retry-After, RateLimit, RateLimit-Policy");
        assertThat(limited.has("access-control-allow-credentials")).isFalse();
        assertThat(limited.header("vary")).isEqualTo("Origin");
        assertThat(limited.header("cache-control")).isEqualTo("no-store");
        assertThat(channel.isOpen()).as("a 429 keeps the connection").isTrue();
        assertThat(metrics.requests).containsExactly(RequestOutcome.ALLOWED, RequestOutcome.ALLOWED,
                RequestOutcome.RATE_LIMITED);
        assertThat(metrics.rateLimited).containsExactly(LimitKind.CLIENT);
    }

    @Test
    void aKeysOwnLimits_replaceTheGatewayDefaults_andAChangeAppliesToTheNextRequest() {
        String key = fixture.createKeyWithLimits(new RateLimits(3, 4), ACME);
        for (int i = 0; i < 4; i++) {
            send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));
        }
        List<RawResponse> own = responses();
        assertThat(own).extracting(RawResponse::status).containsExactly(200, 200, 200, 429);
        assertThat(own.get(3).header("ratelimit-policy")).isEqualTo("\"client\";q=3;w=60");

        fixture.change(key, WidgetKeyChanges.builder().rateLimits(new RateLimits(10, 4)).build());
        send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));
        send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));
        List<RawResponse> raised = responses();
        assertThat(raised).extracting(RawResponse::status).as("the counts so far stay: 3 of the key's 4")
                .containsExactly(200, 429);
        assertThat(raised.get(1).header("ratelimit-policy")).isEqualTo("\"key\";q=4;w=60");

        fixture.change(key, WidgetKeyChanges.builder().rateLimits(RateLimits.DEFAULTS).build());
        send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));
        RawResponse defaults = responses().get(0);
        assertThat(defaults.status()).as("back to the default of 2 per client, which 4 counted exceed").isEqualTo(429);
        assertThat(defaults.header("ratelimit-policy")).isEqualTo("\"client\";q=2;w=60");
        assertThat(metrics.rateLimited).containsExactly(LimitKind.CLIENT, LimitKind.KEY, LimitKind.CLIENT);
    }

    @Test
    void theOriginReport_countsA429AsRateLimited_notAsServed() {
        String key = fixture.createKey(ACME);
        for (int i = 0; i < 3; i++) {
            send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));
        }
        assertThat(responses()).extracting(RawResponse::status).containsExactly(200, 200, 429);

        fixture.traffic.flush().join();

        assertThat(fixture.store.originCounts(KeyDigest.keyId(key),
                List.of(DeciderFixture.NOW.truncatedTo(ChronoUnit.HOURS))).toCompletableFuture().join())
                .extracting(row -> row.outcome().wire() + " " + row.origin() + " " + row.requests())
                .containsExactlyInAnyOrder("allowed " + ACME + " 2", "rate_limited " + ACME + " 1");
    }

    @Test
    void aDeniedOrigin_staysA403_overTheLimitToo_andCountsNothing() {
        String key = fixture.createKey(ACME);
        send(request("GET", "/v1/widget/bootstrap?key=" + key, EVIL));
        send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));
        send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));
        send(request("GET", "/v1/widget/bootstrap?key=" + key, EVIL));

        List<RawResponse> responses = responses();
        assertThat(responses).extracting(RawResponse::status).containsExactly(403, 200, 200, 403);
        assertThat(responses.get(3).error()).isEqualTo("origin_not_allowed");
        assertThat(responses.get(3).has("access-control-allow-origin")).isFalse();
    }

    @Test
    void preflights_areNotCounted_againstTheLimits() {
        String key = fixture.createKey(ACME);
        for (int i = 0; i < 4; i++) {
            send("OPTIONS /v1/widget/messages?key=" + key + " HTTP/1.1\nHost: edge.example.com\nOrigin: " + ACME
                    + "\nAccess-Control-Request-Method: POST\n\n");
        }
        send(request("GET", "/v1/widget/bootstrap?key=" + key, ACME));

        assertThat(responses()).extracting(RawResponse::status).containsExactly(204, 204, 204, 204, 200);
    }

    @Test
    void overTheMissLimit_everyRequestOfTheAddress_is429_beforeAnyLookup() {
        String uncached = fixture.createKey(ACME);
        send(request("GET", "/v1/widget/bootstrap", ACME));
        send(request("GET", "/v1/widget/bootstrap?key=" + fixture.unknownKey(), ACME));
        int reads = fixture.store.reads();

        send(request("GET", "/v1/widget/bootstrap?key=" + fixture.unknownKey(), ACME));
        send(request("GET", "/v1/widget/bootstrap?key=" + uncached, ACME));

        List<RawResponse> responses = responses();
        assertThat(responses).extracting(RawResponse::status).containsExactly(401, 401, 429, 429);
        RawResponse limited = responses.get(3);
        assertThat(limited.header("ratelimit-policy")).isEqualTo("\"miss\";q=2;w=60");
        assertThat(limited.has("access-control-allow-origin")).as("no key was looked up").isFalse();
        assertThat(limited.has("access-control-expose-headers")).isFalse();
        assertThat(fixture.store.reads()).as("no store read once over the miss limit").isEqualTo(reads);
        assertThat(metrics.rateLimited).containsExactly(LimitKind.MISS, LimitKind.MISS);
    }
}
