package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.gateway.client.TrustedProxies;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits across gateways, through real HTTP on the production wiring: two gateways and the
 * admin API on one real redis-server. Time is compressed tenfold (a 6 s window of 200 ms buckets,
 * counts shared every 25 ms): the limits are "per minute" of that window, on the same code path.
 */
class SharedRateLimitIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration WINDOW = Duration.ofSeconds(6);
    private static final String ORIGIN = "https://acme.com";
    /**
     * How soon a change reaches every gateway: an invalidation takes milliseconds, one lost on the
     * channel comes through the change log in about a second; the rest is slack for a busy machine.
     */
    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    private GatewayFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static GatewaySettings.Builder compressed() {
        return GatewaySettings.builder().rateLimitWindow(WINDOW, 30, Duration.ofMillis(25));
    }

    private GatewayFixture.Key keyCachedOnEveryGateway() {
        return cachedOnEveryGateway(fixture.createKey(ORIGIN));
    }

    private GatewayFixture.Key cachedOnEveryGateway(GatewayFixture.Key key) {
        for (int i = 0; i < fixture.gatewayCount(); i++) {
            // A foreign origin is refused before any limit counts: the key is cached, nothing is counted.
            assertThat(fixture.bootstrap(i, key.plaintext(), "https://evil.example").status()).isEqualTo(403);
        }
        return key;
    }

    private GatewayFixture.Response bootstrapFrom(int gateway, GatewayFixture.Key key, String forwardedFor) {
        return fixture.send(fixture.gatewayRequest(gateway, "/v1/widget/bootstrap?key=" + key.plaintext(), ORIGIN)
                .header("X-Forwarded-For", forwardedFor).GET().build());
    }

    @Test
    void perKeyLimitSetByTheApi_twiceExceededAtASteadyRateOverTwoGateways_admitsTheLimitWithinTenPercent()
            throws Exception {
        // 120 per window, the key's own (the gateways' default is unlimited); 4 requests per
        // (compressed) second, i.e. 40 a second here: 240 in one window.
        fixture = GatewayFixture.start(REDIS.server(), compressed().keyRateLimit(0).clientRateLimit(0).build(), 2);
        GatewayFixture.Key key = cachedOnEveryGateway(
                fixture.createKeyWithLimits("{\"per_key_per_minute\":120}", ORIGIN));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        int requests = 240;
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try {
            CompletableFuture<Void> done = new CompletableFuture<>();
            ScheduledFuture<?> ticks = pacer.scheduleAtFixedRate(() -> {
                int n = sent.getAndIncrement();
                if (n >= requests) {
                    done.complete(null);
                    return;
                }
                responses.add(http.sendAsync(fixture.gatewayRequest(n % 2,
                        "/v1/widget/bootstrap?key=" + key.plaintext(), ORIGIN).GET().build(),
                        HttpResponse.BodyHandlers.discarding()));
            }, 0, WINDOW.toMillis() / requests, TimeUnit.MILLISECONDS);
            done.get(60, TimeUnit.SECONDS);
            ticks.cancel(false);
        } finally {
            pacer.shutdownNow();
        }
        int admitted = 0;
        int limited = 0;
        for (CompletableFuture<HttpResponse<Void>> response : responses) {
            int status = response.get(20, TimeUnit.SECONDS).statusCode();
            admitted += status == 200 ? 1 : 0;
            limited += status == 429 ? 1 : 0;
        }
        assertThat(admitted + limited).as("every request is admitted or refused 429").isEqualTo(requests);
        assertThat(admitted).as("admitted of 240 under a limit of 120 across two gateways").isBetween(108, 132);
        assertThat(fixture.counter(0, "widget.gateway.rate.limited", "limit", "key")
                + fixture.counter(1, "widget.gateway.rate.limited", "limit", "key")).isEqualTo(limited);
    }

    @Test
    void limitChangedByPatch_appliesOnEveryGateway_withinThePropagationBound() {
        fixture = GatewayFixture.start(REDIS.server(), compressed().keyRateLimit(0).clientRateLimit(0).build(), 2);
        GatewayFixture.Key key = cachedOnEveryGateway(
                fixture.createKeyWithLimits("{\"per_key_per_minute\":1000000}", ORIGIN));
        for (int i = 0; i < 4; i++) {
            assertThat(fixture.bootstrap(i % 2, key.plaintext(), ORIGIN).status()).isEqualTo(200);
        }

        assertThat(fixture.admin("PATCH", "/api/v1/widget-keys/" + key.id(),
                "{\"rate_limits\":{\"per_key_per_minute\":2}}").status()).isEqualTo(204);
        for (int gateway = 0; gateway < 2; gateway++) {
            int g = gateway;
            // The four requests counted before the change are over the new limit at once.
            await().atMost(PROPAGATION).untilAsserted(() -> {
                GatewayFixture.Response refused = fixture.bootstrap(g, key.plaintext(), ORIGIN);
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"key\";q=2;w=6");
            });
        }

        assertThat(fixture.admin("PATCH", "/api/v1/widget-keys/" + key.id(), "{\"rate_limits\":null}").status())
                .isEqualTo(204);
        for (int gateway = 0; gateway < 2; gateway++) {
            int g = gateway;
            await().atMost(PROPAGATION).untilAsserted(() ->
                    assertThat(fixture.bootstrap(g, key.plaintext(), ORIGIN).status())
                            .as("back to the gateways' default, unlimited").isEqualTo(200));
        }
    }

    @Test
    void aRequestOnlyTheCapRefuses_waitsForTheNextRound_ratherThanGettingA429() {
        // A per-key limit of 10 on two gateways: each may hold 1 request no round has reported back.
        fixture = GatewayFixture.start(REDIS.server(), compressed().keyRateLimit(10).clientRateLimit(0).build(), 2);
        GatewayFixture.Key key = keyCachedOnEveryGateway();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.gateway(0).rateLimits().gateways() == 2 && fixture.gateway(1).rateLimits().gateways() == 2);
        // Every round's script now waits for the pause to end: the first request stays unreported.
        pauseWrites(Duration.ofMillis(500));

        GatewayFixture.Response first = fixture.bootstrap(0, key.plaintext(), ORIGIN);
        GatewayFixture.Response second = fixture.bootstrap(0, key.plaintext(), ORIGIN);

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).as("2 of 10: the window has room, only the cap stood in the way until a round")
                .isEqualTo(200);
        assertThat(fixture.counter(0, "widget.gateway.rate.limited")).isZero();
    }

    /** {@code CLIENT PAUSE <duration> WRITE} on the fixture's Redis: reads go on, writes and scripts wait. */
    private static void pauseWrites(Duration duration) {
        RedisClient client = RedisClient.create(REDIS.server().uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(duration.toMillis()).add("WRITE"));
        } finally {
            client.shutdown();
        }
    }

    /** Requests from {@code forwardedFor(i)} until the first 429 (at most {@code max}): the admitted ones and the 429. */
    private GatewayFixture.Response untilRefused(GatewayFixture.Key key, int max, IntFunction<String> forwardedFor,
            int[] admitted) {
        for (int i = 0; i < max; i++) {
            GatewayFixture.Response response = bootstrapFrom(i % fixture.gatewayCount(), key, forwardedFor.apply(i));
            if (response.status() == 429) {
                return response;
            }
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            admitted[0]++;
        }
        return null;
    }

    @Test
    void perClientLimit_separatesTwoAddressesBehindATrustedProxy_andKeepsCorsForTheWidget() {
        fixture = GatewayFixture.start(REDIS.server(), compressed().clientRateLimit(100)
                .trustedProxies(TrustedProxies.loopback()).build(), 2);
        GatewayFixture.Key key = keyCachedOnEveryGateway();
        int[] admitted = {0};
        GatewayFixture.Response limited = untilRefused(key, 200, i -> "198.51.100.1", admitted);
        assertThat(limited).as("the client behind the proxy is refused once over its limit").isNotNull();
        // At most a tenth over with two gateways; a refusal before the limit would be the cap's.
        assertThat(admitted[0]).isBetween(90, 110);
        assertThat(limited.json().get("error").asText()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 7L);
        assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"client\";q=100;w=6");
        assertThat(limited.header("RateLimit")).isEqualTo("\"client\";r=0;t=" + limited.header("Retry-After"));
        assertThat(limited.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        assertThat(limited.header("Access-Control-Expose-Headers")).isEqualTo("Retry-After, RateLimit, RateLimit-Policy");
        assertThat(limited.header("Cache-Control")).isEqualTo("no-store");

        assertThat(bootstrapFrom(0, key, "198.51.100.2").status()).as("another client behind the proxy").isEqualTo(200);
        assertThat(bootstrapFrom(1, key, "198.51.100.2").status()).isEqualTo(200);
        GatewayFixture.Response foreign = fixture.send(fixture.gatewayRequest(0,
                "/v1/widget/bootstrap?key=" + key.plaintext(), "https://evil.example")
                .header("X-Forwarded-For", "198.51.100.1").GET().build());
        assertThat(foreign.status()).as("a denied origin stays a denial, limit or not").isEqualTo(403);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void untrustedPeer_cannotChooseItsAddress() {
        fixture = GatewayFixture.start(REDIS.server(), compressed().clientRateLimit(100)
                .trustedProxies(TrustedProxies.parse("10.0.0.0/8")).build(), 1);
        GatewayFixture.Key key = keyCachedOnEveryGateway();
        int[] admitted = {0};
        // A new made-up address on every request: were it believed, none would be refused.
        GatewayFixture.Response limited = untilRefused(key, 200, i -> "198.51.100." + (i % 250), admitted);
        assertThat(limited).as("an untrusted peer is one client, whatever its X-Forwarded-For says").isNotNull();
        assertThat(admitted[0]).isBetween(90, 110);
    }

    @Test
    void missLimit_stopsAFloodFromOneAddress_withoutAnyLookup() {
        fixture = GatewayFixture.start(REDIS.server(), compressed().missRateLimit(5).build(), 1);
        GatewayFixture.Key uncached = fixture.createKey(ORIGIN);
        for (int i = 0; i < 5; i++) {
            assertThat(fixture.bootstrap(0, WidgetKeyFormat.mint(), ORIGIN).status()).isEqualTo(401);
        }
        double storeReads = fixture.counter(0, "widget.gateway.store.requests");
        double filterLookups = fixture.counter(0, "widget.gateway.key.filter");
        for (int i = 0; i < 50; i++) {
            GatewayFixture.Response flood = fixture.bootstrap(0, WidgetKeyFormat.mint(), ORIGIN);
            assertThat(flood.status()).isEqualTo(429);
        }
        GatewayFixture.Response valid = fixture.bootstrap(0, uncached.plaintext(), ORIGIN);
        assertThat(valid.status()).as("over its miss limit, an address is refused whatever key it sends").isEqualTo(429);
        assertThat(valid.header("RateLimit-Policy")).isEqualTo("\"miss\";q=5;w=6");
        assertThat(valid.header("Access-Control-Allow-Origin")).as("no key was looked up, so no allowlist").isNull();
        assertThat(fixture.counter(0, "widget.gateway.store.requests")).as("no store read").isEqualTo(storeReads);
        assertThat(fixture.counter(0, "widget.gateway.key.filter")).as("no filter lookup").isEqualTo(filterLookups);
        assertThat(fixture.counter(0, "widget.gateway.rate.limited", "limit", "miss")).isEqualTo(51);
    }

    @Test
    void redisDown_eachGatewayEnforcesItsShare_neverUnlimited_andRecovers() {
        fixture = GatewayFixture.start(REDIS.server(), compressed().keyRateLimit(100).clientRateLimit(0).build(), 2);
        GatewayFixture.Key key = keyCachedOnEveryGateway();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.gateway(0).rateLimits().gateways() == 2 && fixture.gateway(1).rateLimits().gateways() == 2);
        REDIS.server().stop();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.gateway(0).rateLimits().degraded() && fixture.gateway(1).rateLimits().degraded());
        int[] admitted = new int[2];
        for (int i = 0; i < 160; i++) {
            if (fixture.bootstrap(i % 2, key.plaintext(), ORIGIN).status() == 200) {
                admitted[i % 2]++;
            }
        }
        assertThat(admitted).as("each of the two gateways admits half the limit from its cache").containsExactly(50, 50);
        REDIS.server().start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !fixture.gateway(0).rateLimits().degraded() && !fixture.gateway(1).rateLimits().degraded());
    }
}
