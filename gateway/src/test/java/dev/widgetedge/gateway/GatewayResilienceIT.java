package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Cache, invalidation, staleness" (docs/gateway.md) against a real redis-server that the tests stop and
 * restart (durable, like production Redis with AOF): serving through an outage, failing closed,
 * recovering, and recovering from lost invalidations on resubscribe.
 */
class GatewayResilienceIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension(true);

    private static final String ORIGIN = "https://acme.com";

    private GatewayFixture fixture;

    private void start(Duration cacheTtl, Duration staleIfError) {
        GatewaySettings settings = GatewaySettings.builder().cacheTtl(cacheTtl).staleIfError(staleIfError)
                .storeTimeout(Duration.ofMillis(500)).build();
        fixture = GatewayFixture.start(REDIS.server(), settings, 1);
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void redisUp() {
        REDIS.server().start();
    }

    @Test
    void throughAnOutage_cachedAllowedKeysKeepServing_missesGet503_andAllRecoversAfterwards() {
        start(Duration.ofMillis(200), Duration.ofMinutes(10));
        GatewayFixture.Key cached = fixture.createKey(ORIGIN);
        GatewayFixture.Key neverSeen = fixture.createKey(ORIGIN);
        assertThat(fixture.bootstrap(0, cached.plaintext(), ORIGIN).status()).isEqualTo(200);

        REDIS.server().stop();
        // Past the TTL, the decision can no longer be made from the cache alone.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.gateway(0).decider().decideCached(cached.plaintext(), ORIGIN) == null);
        GatewayFixture.Response stale = fixture.bootstrap(0, cached.plaintext(), ORIGIN);
        GatewayFixture.Response miss = fixture.bootstrap(0, neverSeen.plaintext(), ORIGIN);
        GatewayFixture.Response unknown = fixture.bootstrap(0, WidgetKeyFormat.mint(), ORIGIN);
        REDIS.server().start();

        assertThat(stale.status()).as("an allowed decision serves stale through the outage").isEqualTo(200);
        assertThat(miss.status()).isEqualTo(503);
        assertThat(miss.json().get("error").asText()).isEqualTo("store_unavailable");
        assertThat(miss.header("Retry-After")).isEqualTo("5");
        assertThat(miss.header("Access-Control-Allow-Origin")).isNull();
        // A key that was never created is not a miss: the existence filter, built before the
        // outage, rules it out without asking the store.
        assertThat(unknown.status()).as("a forged key during an outage").isEqualTo(401);
        assertThat(unknown.json().get("error").asText()).isEqualTo("unknown_key");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> fixture.bootstrap(0, neverSeen.plaintext(), ORIGIN).status() == 200);
    }

    @Test
    void pastStaleIfError_anOutageFailsClosed() {
        start(Duration.ofMillis(100), Duration.ofMillis(200));
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status()).isEqualTo(200);

        REDIS.server().stop();
        // Within TTL + stale-if-error the key still serves; past it, the outage fails closed.
        GatewayFixture.Response failedClosed = await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.bootstrap(0, key.plaintext(), ORIGIN), response -> response.status() != 200);
        REDIS.server().start();

        assertThat(failedClosed.status()).isEqualTo(503);
    }

    @Test
    void lostInvalidations_areRecoveredWhenTheSubscriptionComesBack() {
        start(Duration.ofHours(1), Duration.ofMinutes(5));
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status()).isEqualTo(200);

        // A revocation whose message is lost: the record changes, nothing is published.
        try (RedisClient client = RedisClient.create(REDIS.server().uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            String record = "we:v1:wk:{" + key.id() + "}";
            connection.sync().hset(record, "disabled_at", Long.toString(Instant.now().toEpochMilli()));
            connection.sync().hincrby(record, "version", 1);
        }
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status())
                .as("the gateway has not heard of it; its cache is good for an hour").isEqualTo(200);

        REDIS.server().stop();
        REDIS.server().start();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> fixture.bootstrap(0, key.plaintext(), ORIGIN).status() == 403);
        assertThat(fixture.counter(0, "widget.gateway.resubscriptions")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void invalidations_areMeasuredFromPublishToApplied() {
        start(Duration.ofHours(1), Duration.ofMinutes(5));
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status()).isEqualTo(200);
        assertThat(fixture.gateway(0).decider().decideCached(key.plaintext(), ORIGIN))
                .isInstanceOf(Decision.Allowed.class);
        double before = fixture.counter(0, "widget.gateway.invalidations");

        fixture.admin("PATCH", "/api/v1/widget-keys/" + key.id(), "{\"name\":\"renamed\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.counter(0, "widget.gateway.invalidations") > before);
        assertThat(fixture.registry(0).find("widget.gateway.invalidation.lag").summary().count()).isPositive();
        assertThat(fixture.gateway(0).decider().decideCached(key.plaintext(), ORIGIN))
                .as("the changed key was evicted").isNull();
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status()).isEqualTo(200);
        assertThat(fixture.gateway(0).decider().decideCached(key.plaintext(), ORIGIN))
                .isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void aHungStore_turnsAMissInto503WithinTheStoreTimeout_notAHungRequest() {
        start(Duration.ofSeconds(30), Duration.ofMinutes(5));
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        GatewayFixture.Response response;
        try (RedisClient client = RedisClient.create(REDIS.server().uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            // Every other client waits until the pause ends: Redis looks hung, not down.
            connection.sync().clientPause(3_000);
            response = fixture.bootstrap(0, key.plaintext(), ORIGIN);
        }

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().get("error").asText()).isEqualTo("store_unavailable");
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.bootstrap(0, key.plaintext(), ORIGIN).status() == 200);
    }
}
