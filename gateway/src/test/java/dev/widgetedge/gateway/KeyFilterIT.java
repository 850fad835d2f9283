package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The existence filter on a real redis-server with two gateways: forged keys cost no store read,
 * and a key is served by both gateways as soon as its create has been answered, also while the
 * filters are being rebuilt.
 */
class KeyFilterIT {

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
    void aFloodOfForgedKeys_isRefusedWithoutAStoreRead() {
        // The filter is what this measures, not the miss limit, which would refuse all but 120.
        fixture = GatewayFixture.start(REDIS.server(), GatewaySettings.builder().missRateLimit(0).build(), 1);
        double readsBefore = fixture.counter(0, "widget.gateway.store.requests");

        for (int i = 0; i < 500; i++) {
            GatewayFixture.Response response = fixture.bootstrap(0, WidgetKeyFormat.mint(), ORIGIN);
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.json().get("error").asText()).isEqualTo("unknown_key");
        }

        double reads = fixture.counter(0, "widget.gateway.store.requests") - readsBefore;
        double absent = fixture.counter(0, "widget.gateway.key.filter", "result", "absent");
        assertThat(reads).as("store reads for 500 forged keys (at most the filter's 1 %)").isLessThanOrEqualTo(5);
        assertThat(absent).isGreaterThanOrEqualTo(495);
    }

    @Test
    void aKeyUsedTheMomentItsCreateIsAnswered_isServedByBothGateways() {
        fixture = GatewayFixture.start(REDIS.server(), GatewaySettings.defaults(), 2);

        for (int round = 0; round < 100; round++) {
            GatewayFixture.Key key = fixture.createKey(ORIGIN);
            assertThat(fixture.bootstrap(round % 2, key.plaintext(), ORIGIN).status())
                    .as("round %d, the first gateway asked", round).isEqualTo(200);
            assertThat(fixture.bootstrap(1 - round % 2, key.plaintext(), ORIGIN).status())
                    .as("round %d, the other gateway", round).isEqualTo(200);
        }
    }

    @Test
    void keysCreatedWhileTheFiltersAreRebuilt_areServedByBothGateways() {
        // Rebuilds back to back, each scanning a few thousand records.
        fixture = GatewayFixture.start(REDIS.server(),
                GatewaySettings.builder().keyFilterRebuild(Duration.ofMillis(20)).build(), 2);
        for (int i = 0; i < 1500; i++) {
            fixture.createKey(ORIGIN);
        }
        double buildsBefore = builds();

        for (int round = 0; round < 100; round++) {
            GatewayFixture.Key key = fixture.createKey(ORIGIN);
            assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status()).as("round %d", round).isEqualTo(200);
            assertThat(fixture.bootstrap(1, key.plaintext(), ORIGIN).status()).as("round %d", round).isEqualTo(200);
        }

        assertThat(builds() - buildsBefore).as("rebuilds completed while keys were created").isGreaterThanOrEqualTo(4);
        assertThat(fixture.gateway(0).existenceFilter().isTrusted()).isTrue();
    }

    @Test
    void afterRedisComesBack_theFilterIsRebuilt() {
        fixture = GatewayFixture.start(REDIS.server(), GatewaySettings.builder()
                .storeTimeout(Duration.ofMillis(500)).build(), 1);
        double buildsBefore = builds();
        double resubscriptionsBefore = fixture.counter(0, "widget.gateway.resubscriptions");

        REDIS.server().stop();
        REDIS.server().start();

        await().atMost(Duration.ofSeconds(30)).until(() ->
                fixture.counter(0, "widget.gateway.resubscriptions") > resubscriptionsBefore
                        && builds() > buildsBefore && fixture.gateway(0).existenceFilter().isTrusted());

        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        assertThat(fixture.bootstrap(0, key.plaintext(), ORIGIN).status()).isEqualTo(200);
        assertThat(fixture.bootstrap(0, WidgetKeyFormat.mint(), ORIGIN).status()).isEqualTo(401);
    }

    private double builds() {
        double total = 0;
        for (int gateway = 0; gateway < fixture.gatewayCount(); gateway++) {
            total += fixture.counter(gateway, "widget.gateway.key.filter.builds", "result", "success");
        }
        return total;
    }
}
