package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Expiry, rotation, report mode and the origin report end to end: the admin API and two gateways
 * on one real redis-server, a real upstream, keys made and changed over HTTP, and the report read
 * back over HTTP as an operator would. The gateways flush their counts every 200 ms.
 */
class KeyLifecycleGatewayIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration REPORT_FLUSH = Duration.ofMillis(200);
    /** A request is in the report within one flush and a few seconds. */
    private static final Duration REPORT_DEADLINE = REPORT_FLUSH.plusSeconds(5);
    /** How far apart two clocks may be: each gateway compares an expiry with its own. */
    private static final Duration SKEW = Duration.ofSeconds(1);
    private static final String ACME = "https://acme.com";

    static EchoUpstream upstream;
    static GatewayFixture fixture;

    @BeforeAll
    static void start() {
        upstream = EchoUpstream.start();
        GatewaySettings settings = GatewaySettings.builder().upstream(URI.create(upstream.uri()))
                .reportFlush(REPORT_FLUSH).build();
        fixture = GatewayFixture.start(REDIS.server(), settings, 2);
    }

    @AfterAll
    static void stop() {
        fixture.close();
        upstream.close();
    }

    private static GatewayFixture.Key create(String body) {
        GatewayFixture.Response created = fixture.admin("POST", "/api/v1/widget-keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new GatewayFixture.Key(created.json().get("key").asText(), created.json().get("id").asText());
    }

    private static String error(GatewayFixture.Response response) {
        return response.status() == 200 ? null : response.json().get("error").asText();
    }

    private static JsonNode origins(String id) {
        GatewayFixture.Response response = fixture.admin("GET", "/api/v1/widget-keys/" + id + "/origins?hours=1", null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /** The report's rows as {@code "<outcome> <origin> <requests>"}. */
    private static List<String> rows(String id) {
        List<String> rows = new ArrayList<>();
        origins(id).forEach(row -> rows.add(row.get("outcome").asText() + " " + row.get("origin").asText() + " "
                + row.get("requests").asLong()));
        return rows;
    }

    /**
     * Polls both gateways until both refuse {@code key} as expired; returns when each refused it
     * first. Fails if either refuses it with anything else on the way.
     */
    private static Map<Integer, Instant> awaitExpiredOnBoth(String key, Instant expiresAt) {
        Map<Integer, Instant> firstRefusal = new ConcurrentHashMap<>();
        await().atMost(Duration.between(Instant.now(), expiresAt.plus(SKEW)))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    for (int gateway = 0; gateway < 2; gateway++) {
                        GatewayFixture.Response response = fixture.bootstrap(gateway, key, ACME);
                        String error = error(response);
                        assertThat(error).as("gateway %d", gateway).isIn(null, "key_expired");
                        if ("key_expired".equals(error)) {
                            firstRefusal.putIfAbsent(gateway, Instant.now());
                        }
                    }
                    assertThat(firstRefusal).hasSize(2);
                });
        return firstRefusal;
    }

    @Test
    void anExpiredKey_isRefusedByBothGateways_withinOneSecondOfItsTime() {
        Instant expiresAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        GatewayFixture.Key key = create("{\"name\":\"expiring\",\"domain_allowlist\":[\"" + ACME + "\"],"
                + "\"expires_at\":\"" + expiresAt + "\"}");
        assertThat(fixture.bootstrap(0, key.plaintext(), ACME).status()).isEqualTo(200);
        assertThat(fixture.bootstrap(1, key.plaintext(), ACME).status()).isEqualTo(200);

        Map<Integer, Instant> refused = awaitExpiredOnBoth(key.plaintext(), expiresAt);

        assertThat(refused.values()).allSatisfy(at -> assertThat(at).isAfterOrEqualTo(expiresAt.minus(SKEW)));
        GatewayFixture.Response response = fixture.bootstrap(0, key.plaintext(), ACME);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("message").asText()).isNotBlank();
        assertThat(response.header("Access-Control-Allow-Origin")).isNull();
        assertThat(fixture.counter(0, "widget.gateway.requests", "outcome", "key_expired")).isPositive();
        await().atMost(REPORT_DEADLINE).untilAsserted(() -> assertThat(rows(key.id()))
                .anySatisfy(row -> assertThat(row).startsWith("key_expired " + ACME + " ")));
    }

    @Test
    void aRotatedKey_keepsWorkingUntilItsGraceEnds_thenIsKeyExpired_whileTheNewOneWorksAtOnce() {
        GatewayFixture.Key old = create("{\"name\":\"site\",\"agent_id\":\"agent_3\",\"domain_allowlist\":[\"" + ACME
                + "\"]}");
        assertThat(fixture.bootstrap(0, old.plaintext(), ACME).status()).isEqualTo(200);
        assertThat(fixture.bootstrap(1, old.plaintext(), ACME).status()).isEqualTo(200);

        GatewayFixture.Response rotated = fixture.admin("POST", "/api/v1/widget-keys/" + old.id() + "/rotate",
                "{\"grace_seconds\":2}");
        String successor = rotated.json().get("key").asText();
        Instant expiresAt = Instant.parse(fixture.listed(old.id()).get("expires_at").asText());

        for (int gateway = 0; gateway < 2; gateway++) {
            GatewayFixture.Response fresh = fixture.bootstrap(gateway, successor, ACME);
            assertThat(fresh.status()).isEqualTo(200);
            assertThat(fresh.json().get("key_id").asText()).isEqualTo(rotated.json().get("id").asText());
            assertThat(fresh.json().get("agent_id").asText()).isEqualTo("agent_3");
            assertThat(fixture.bootstrap(gateway, old.plaintext(), ACME).status()).as("in its grace").isEqualTo(200);
        }
        Map<Integer, Instant> refused = awaitExpiredOnBoth(old.plaintext(), expiresAt);

        assertThat(refused.values()).allSatisfy(at -> assertThat(at).isAfterOrEqualTo(expiresAt.minus(SKEW)));
        assertThat(fixture.bootstrap(0, successor, ACME).status()).isEqualTo(200);
        assertThat(fixture.bootstrap(1, successor, ACME).status()).isEqualTo(200);
    }

    @Test
    void reportMode_servesAForeignOrigin_echoingItOnlyWhenItParses_andTheReportShowsItAsReported() {
        GatewayFixture.Key key = create("{\"name\":\"trial\",\"mode\":\"report\",\"domain_allowlist\":[\"" + ACME
                + "\"]}");

        GatewayFixture.Response foreign = fixture.bootstrap(0, key.plaintext(), "https://Foreign.example");
        GatewayFixture.Response nullOrigin = fixture.bootstrap(1, key.plaintext(), "null");
        GatewayFixture.Response noOrigin = fixture.bootstrap(0, key.plaintext(), null);
        GatewayFixture.Response allowed = fixture.bootstrap(1, key.plaintext(), ACME);
        GatewayFixture.Response proxied = fixture.send(fixture.gatewayRequest(0, "/v1/widget/hello?key="
                + key.plaintext(), "https://foreign.example").GET().build());

        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isEqualTo("https://Foreign.example");
        assertThat(foreign.json().get("key_id").asText()).isEqualTo(key.id());
        assertThat(nullOrigin.status()).isEqualTo(200);
        assertThat(nullOrigin.header("Access-Control-Allow-Origin")).isNull();
        assertThat(noOrigin.status()).isEqualTo(200);
        assertThat(noOrigin.header("Access-Control-Allow-Origin")).isNull();
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(ACME);
        assertThat(proxied.status()).isEqualTo(200);
        assertThat(proxied.header("Access-Control-Allow-Origin")).isEqualTo("https://foreign.example");
        assertThat(upstream.received().get(upstream.received().size() - 1).header("X-Widget-Key-Id"))
                .isEqualTo(key.id());
        assertThat(fixture.counter(0, "widget.gateway.requests", "outcome", "reported")).isGreaterThanOrEqualTo(3);
        await().atMost(REPORT_DEADLINE).untilAsserted(() -> assertThat(rows(key.id())).containsExactlyInAnyOrder(
                "reported https://foreign.example 2", "reported null 1", "reported (missing) 1",
                "allowed https://acme.com 1"));

        fixture.admin("PATCH", "/api/v1/widget-keys/" + key.id(), "{\"mode\":\"enforce\"}");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                "origin_not_allowed".equals(error(fixture.bootstrap(0, key.plaintext(), "https://foreign.example"))));
    }

    @Test
    void aRefusedOrigin_isInTheReportWithinOneFlushAndAFewSeconds_summedOverBothGateways() {
        GatewayFixture.Key key = create("{\"name\":\"shop\",\"domain_allowlist\":[\"" + ACME + "\"]}");

        for (int i = 0; i < 5; i++) {
            assertThat(error(fixture.bootstrap(i % 2, key.plaintext(), "https://shop.acme.com")))
                    .isEqualTo("origin_not_allowed");
        }
        Instant sent = Instant.now();
        fixture.bootstrap(0, key.plaintext(), ACME);

        await().atMost(REPORT_DEADLINE).untilAsserted(() -> assertThat(rows(key.id()))
                .containsExactly("origin_not_allowed https://shop.acme.com 5", "allowed https://acme.com 1"));
        JsonNode refused = origins(key.id()).get(0);
        assertThat(Instant.parse(refused.get("last_seen").asText())).isBeforeOrEqualTo(sent.plusSeconds(1));
        assertThat(Instant.parse(refused.get("first_seen").asText()))
                .isBeforeOrEqualTo(Instant.parse(refused.get("last_seen").asText()));
        GatewayFixture.Response usage = fixture.admin("GET", "/api/v1/widget-keys/" + key.id() + "/usage", null);
        assertThat(usage.json().get(0).get("allowed").asLong()).isEqualTo(1);
        assertThat(usage.json().get(0).get("denied").asLong()).isEqualTo(5);
    }

    @Test
    void aThousandDistinctHostileOrigins_inOneHour_storeAtMost101Entries_acrossBothGateways() {
        GatewayFixture.Key key = create("{\"name\":\"target\",\"domain_allowlist\":[\"" + ACME + "\"]}");

        for (int i = 0; i < 1000; i++) {
            fixture.bootstrap(i % 2, key.plaintext(), "https://h" + i + ".evil.example");
        }

        await().atMost(REPORT_DEADLINE).untilAsserted(() -> {
            JsonNode rows = origins(key.id());
            long requests = 0;
            for (JsonNode row : rows) {
                requests += row.get("requests").asLong();
            }
            assertThat(requests).isEqualTo(1000);
            assertThat(rows).hasSize(101);
            assertThat(rows.get(0).get("origin").asText()).isEqualTo("(other)");
            assertThat(rows.get(0).get("requests").asLong()).isEqualTo(900);
        });
        try (RedisClient client = RedisClient.create(REDIS.server().uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            String hour = "we:v1:origins:{" + key.id() + "}:"
                    + java.time.format.DateTimeFormatter.ofPattern("uuuuMMddHH").withZone(java.time.ZoneOffset.UTC)
                            .format(Instant.now());
            Map<String, String> stored = connection.sync().hgetall(hour);
            assertThat(stored.keySet()).filteredOn(field -> field.contains(" ")).hasSize(101);
            assertThat(stored).hasSize(102).containsEntry("#", "100");
        }
    }

    @Test
    void aDisabledKey_isCountedAsKeyDisabled_andAnUnknownKeyIsNotCountedAnywhere() {
        GatewayFixture.Key key = create("{\"name\":\"revoked\",\"domain_allowlist\":[\"" + ACME + "\"]}");
        fixture.admin("PATCH", "/api/v1/widget-keys/" + key.id(), "{\"disabled\":true}");

        assertThat(error(fixture.bootstrap(0, key.plaintext(), ACME))).isEqualTo("key_disabled");
        assertThat(error(fixture.bootstrap(1, key.plaintext(), "https://else.example"))).isEqualTo("key_disabled");

        await().atMost(REPORT_DEADLINE).untilAsserted(() -> assertThat(rows(key.id())).containsExactlyInAnyOrder(
                "key_disabled https://acme.com 1", "key_disabled https://else.example 1"));
    }
}
