package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Store unreachable or failing → 500 Database error, and no partial write" (docs/admin-api.md) and "every
 * store call is bounded by --store-timeout", against a real redis-server that the tests stop,
 * pause and restart. The server is durable (AOF), so a restart keeps the data, as production
 * Redis with AOF would.
 */
class AdminStoreOutageIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension(true);

    private static final Duration STORE_TIMEOUT = Duration.ofMillis(500);

    static AdminApiFixture api;
    static String token;

    @BeforeAll
    static void start() {
        api = AdminApiFixture.start(REDIS.server(), STORE_TIMEOUT);
        token = api.issueToken(AccountScope.of(Set.of("acct_outage")));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static AdminApiFixture.Response call(String method, String path, String body) {
        return api.call(method, path, token, null, body);
    }

    @Test
    void storeDown_everyCallIs500DatabaseError_nothingIsHalfWritten_andTheApiRecovers() {
        JsonNode before = call("POST", "/api/v1/widget-keys", "{\"name\":\"survivor\"}").json();
        String id = before.get("id").asText();

        REDIS.server().stop();
        List<AdminApiFixture.Response> duringOutage = List.of(
                call("GET", "/api/v1/widget-keys", null),
                call("POST", "/api/v1/widget-keys", "{\"name\":\"never stored\"}"),
                call("PATCH", "/api/v1/widget-keys/" + id, "{\"name\":\"renamed\",\"disabled\":true}"),
                call("DELETE", "/api/v1/widget-keys/" + id, null));
        AdminApiFixture.Response readyDuringOutage = api.ops("/readyz");
        REDIS.server().start();

        assertThat(duringOutage).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("Database error");
        });
        assertThat(readyDuringOutage.status()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/v1/widget-keys", null).status() == 200);
        assertThat(api.ops("/readyz").status()).isEqualTo(200);
        JsonNode after = call("GET", "/api/v1/widget-keys", null).json();
        assertThat(after).hasSize(1);
        assertThat(after.get(0)).isEqualTo(withoutKey(before));
        assertLayoutIsConsistent();
    }

    @Test
    void hungStore_answers500WithinTheStoreTimeout_insteadOfHanging() {
        try (RedisClient client = RedisClient.create(REDIS.server().uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            // Every client but this one waits until the pause ends: Redis looks hung.
            connection.sync().clientPause(3_000);

            AdminApiFixture.Response response = call("GET", "/api/v1/widget-keys", null);

            assertThat(response.status()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("Database error");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/v1/widget-keys", null).status() == 200);
    }

    private static JsonNode withoutKey(JsonNode created) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = created.deepCopy();
        copy.remove("key");
        return copy;
    }

    /** Every index entry has its record and every record is in its account's index. */
    private static void assertLayoutIsConsistent() {
        try (RedisClient client = RedisClient.create(REDIS.server().uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            Set<String> indexed = new HashSet<>(redis.zrange("we:v1:acct:{acct_outage}:wk", 0, -1));
            Set<String> recorded = new HashSet<>();
            for (String key : redis.keys("we:v1:wk:*")) {
                Map<String, String> record = redis.hgetall(key);
                if (record.get("account_id").equals("acct_outage")) {
                    recorded.add(record.get("id"));
                }
                assertThat(key).isEqualTo("we:v1:wk:{" + UUID.fromString(record.get("id")) + "}");
            }
            assertThat(recorded).isEqualTo(indexed);
        }
    }
}
