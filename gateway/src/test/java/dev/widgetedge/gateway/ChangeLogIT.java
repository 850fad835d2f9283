package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.store.Invalidations;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's change log on a real redis-server: a revocation whose announcement is lost still
 * reaches every gateway within about a second, and cached keys stay fresh past their TTL without
 * being read again while the log confirms them.
 */
class ChangeLogIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension(true);

    private static final String ORIGIN = "https://acme.com";

    private GatewayFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aRevocationWhoseAnnouncementIsLost_reachesBothGatewaysThroughTheLog() {
        fixture = GatewayFixture.start(REDIS.server(), GatewaySettings.defaults(), 2);
        awaitReading(0);
        awaitReading(1);
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status()).isEqualTo(200);
        assertThat(fixture.bootstrap(1, key.plaintext(), ORIGIN).status()).isEqualTo(200);

        // What the admin API's revocation writes, less the publish (as if every subscriber had
        // been away for that one message): the record and its entry in the change log.
        try (RedisClient client = RedisClient.create(REDIS.server().uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            String record = "we:v1:wk:{" + key.id() + "}";
            redis.multi();
            redis.hset(record, "disabled_at", Long.toString(Instant.now().toEpochMilli()));
            redis.hincrby(record, "version", 1);
            redis.xadd("we:v1:changes", "m",
                    Invalidations.encode(new Invalidation(UUID.fromString(key.id()), 2, Instant.now())));
            redis.exec();
        }

        // The cache TTL is 30 s; the log is read every second.
        await().atMost(Duration.ofSeconds(3)).until(() -> fixture.bootstrap(0, key.plaintext(), ORIGIN).status() == 403
                && fixture.bootstrap(1, key.plaintext(), ORIGIN).status() == 403);
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).json().get("error").asText()).isEqualTo("key_disabled");
    }

    @Test
    void cachedKeys_stayFreshPastTheirTtl_withoutBeingReadAgain() {
        Duration ttl = Duration.ofSeconds(2);
        fixture = GatewayFixture.start(REDIS.server(), GatewaySettings.builder().cacheTtl(ttl).build(), 1);
        awaitReading(0);
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status()).isEqualTo(200);
        double readsAfterLoad = fixture.counter(0, "widget.gateway.store.requests");

        await().during(ttl.multipliedBy(3)).atMost(ttl.multipliedBy(4))
                .until(() -> fixture.bootstrap(0, key.plaintext(), ORIGIN).status() == 200
                        && fixture.counter(0, "widget.gateway.store.requests") == readsAfterLoad);
        assertThat(fixture.counter(0, "widget.gateway.change.log.reads", "result", "read")).isGreaterThanOrEqualTo(4);
    }

    /**
     * Waits until gateway {@code index} follows the log in its current subscription: a reading
     * begins at the first read after the subscription is in place, and covers what happens after.
     */
    private void awaitReading(int index) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.counter(index, "widget.gateway.change.log.reads", "result", "read") >= 1);
    }
}
