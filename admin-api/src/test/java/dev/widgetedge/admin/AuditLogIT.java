package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audit log through the real admin API on a real Redis: one event per mutation with its actor
 * and changes, paging and filters, account scoping, restarts, and that a store failure in the
 * middle of a mutation leaves neither the mutation nor its event.
 */
class AuditLogIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension(true);

    private static final Duration STORE_TIMEOUT = Duration.ofMillis(500);

    static AdminApiFixture api;
    static AdminApiFixture.Issued issued;
    static String otherAccountToken;
    static RedisClient client;
    static StatefulRedisConnection<String, String> connection;

    AccountSession session;
    String account;

    @BeforeAll
    static void start() {
        api = AdminApiFixture.start(REDIS.server(), STORE_TIMEOUT);
        issued = api.issue(AccountScope.all());
        otherAccountToken = api.issueToken(AccountScope.of(Set.of("acct_other")));
        client = RedisClient.create(REDIS.server().uri());
        connection = client.connect();
    }

    @AfterAll
    static void stop() {
        connection.close();
        client.shutdown();
        api.close();
    }

    @BeforeEach
    void freshAccount() {
        session = AccountSession.inFreshAccount(api, issued.token());
        account = session.account();
    }

    private JsonNode events(String query) {
        AdminApiFixture.Response response = session.call("GET", "/api/v1/audit-events" + query, null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<String> actions(JsonNode events) {
        List<String> actions = new ArrayList<>();
        events.forEach(event -> actions.add(event.get("action").asText()));
        return actions;
    }

    private static RedisCommands<String, String> redis() {
        return connection.sync();
    }

    @Test
    void everyMutation_appendsOneEvent_newestFirst_withTheActorAndWhatChanged() {
        JsonNode key = session.create("{\"name\":\"shop\",\"domain_allowlist\":[\"https://acme.com\"]}");
        String id = key.get("id").asText();
        String path = "/api/v1/widget-keys/" + id;
        session.call("PATCH", path, "{\"name\":\"shop 2\",\"mode\":\"report\",\"rate_limits\":{\"per_client_per_minute\":120}}");
        session.call("PATCH", path, "{\"name\":\"shop 2\"}");
        session.call("PATCH", path, "{\"disabled\":true}");
        session.call("PATCH", path, "{\"disabled\":false}");
        JsonNode successor = session.call("POST", path + "/rotate", "{\"grace_seconds\":60}").json();
        JsonNode unused = session.create("{\"name\":\"gone\"}");
        session.call("DELETE", "/api/v1/widget-keys/" + unused.get("id").asText(), null);

        JsonNode events = events("");

        assertThat(actions(events)).containsExactly("key.deleted", "key.created", "key.created", "key.rotated",
                "key.enabled", "key.disabled", "key.updated", "key.created");
        assertThat(events).allSatisfy(event -> {
            assertThat(event.get("account_id").asText()).isEqualTo(account);
            assertThat(event.get("actor").get("token_id").asText()).isEqualTo(issued.metadata().id());
            assertThat(event.get("actor").get("token_name").asText()).isEqualTo("test");
        });
        JsonNode updated = events.get(6);
        assertThat(updated.get("key_id").asText()).isEqualTo(id);
        assertThat(updated.get("key_last8").asText()).isEqualTo(key.get("key_last8").asText());
        assertThat(updated.get("changes").toString()).isEqualTo("{\"name\":{\"from\":\"shop\",\"to\":\"shop 2\"},"
                + "\"mode\":{\"from\":\"enforce\",\"to\":\"report\"},"
                + "\"rate_limits\":{\"from\":{\"per_client_per_minute\":null,\"per_key_per_minute\":null},"
                + "\"to\":{\"per_client_per_minute\":120,\"per_key_per_minute\":null}}}");
        assertThat(events.get(5).get("changes").get("disabled_at").get("from").isNull()).isTrue();
        assertThat(events.get(4).get("changes").get("disabled_at").get("to").isNull()).isTrue();
        JsonNode rotated = events.get(3);
        assertThat(rotated.get("key_id").asText()).isEqualTo(id);
        assertThat(rotated.get("changes").get("replaced_by").get("to").asText()).isEqualTo(successor.get("id").asText());
        assertThat(rotated.get("changes").has("expires_at")).isTrue();
        JsonNode createdBySuccessor = events.get(2);
        assertThat(createdBySuccessor.get("key_id").asText()).isEqualTo(successor.get("id").asText());
        assertThat(createdBySuccessor.get("changes").get("rotated_from").get("to").asText()).isEqualTo(id);
        assertThat(events.get(7).get("changes").get("name").get("to").asText()).isEqualTo("shop");
        assertThat(events.get(7).get("changes").get("domain_allowlist").get("to").get(0).asText())
                .isEqualTo("https://acme.com");
        assertThat(events.get(0).get("changes").toString()).isEqualTo("{}");
    }

    @Test
    void noEvent_everCarriesAPlaintextKeyOrToken() {
        JsonNode key = session.create("{\"name\":\"n\"}");
        JsonNode successor = session.call("POST", "/api/v1/widget-keys/" + key.get("id").asText() + "/rotate", null).json();

        String all = events("").toString();

        assertThat(all).doesNotContain(key.get("key").asText(), successor.get("key").asText(), issued.token());
        assertThat(all).doesNotContain(key.get("key").asText().substring(8, 38));
    }

    @Test
    void aDeleteOfAUsedKey_isADisable_andARepeatedChangeAppendsNothing() {
        JsonNode key = session.create("{\"name\":\"n\"}");
        api.keys.recordUsage(UUID.fromString(key.get("id").asText()), Instant.now()).toCompletableFuture()
                .join();

        session.call("DELETE", "/api/v1/widget-keys/" + key.get("id").asText(), null);
        session.call("DELETE", "/api/v1/widget-keys/" + key.get("id").asText(), null);
        session.call("PATCH", "/api/v1/widget-keys/" + key.get("id").asText(), "{\"name\":\"n\"}");

        assertThat(actions(events(""))).containsExactly("key.disabled", "key.created");
    }

    @Test
    void theLog_filtersByKey_pagesWithBefore_andHonoursTheLimit() {
        JsonNode first = session.create("{\"name\":\"a\"}");
        JsonNode second = session.create("{\"name\":\"b\"}");
        for (int i = 0; i < 3; i++) {
            session.call("PATCH", "/api/v1/widget-keys/" + first.get("id").asText(), "{\"name\":\"a" + i + "\"}");
        }

        JsonNode all = events("");
        JsonNode page1 = events("?limit=2");
        JsonNode page2 = events("?limit=2&before=" + page1.get(1).get("id").asText());
        JsonNode page3 = events("?limit=2&before=" + page2.get(1).get("id").asText());
        JsonNode ofFirst = events("?key_id=" + first.get("id").asText());
        JsonNode ofSecond = events("?key_id=" + second.get("id").asText() + "&limit=500");

        assertThat(all).hasSize(5);
        List<JsonNode> paged = new ArrayList<>();
        List.of(page1, page2, page3).forEach(page -> page.forEach(paged::add));
        assertThat(paged).containsExactlyElementsOf(all);
        assertThat(page3).hasSize(1);
        assertThat(ofFirst).hasSize(4).allSatisfy(event -> assertThat(event.get("key_id")).isEqualTo(first.get("id")));
        assertThat(actions(ofSecond)).containsExactly("key.created");
        assertThat(events("?key_id=" + UUID.randomUUID())).isEmpty();
        assertThat(events("?key_id=" + first.get("id").asText() + "&before=" + ofFirst.get(0).get("id").asText()))
                .hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"?limit=0|limit must be an integer 1-500", "?limit=501|limit must be an integer 1-500",
        "?limit=x|limit must be an integer 1-500", "?before=1-0|before", "?before=latest|before",
        "?key_id=not-a-key|key_id must be a widget key id", "?limit=1&limit=2|limit given 2 times"})
    void aBadQuery_is400InvalidQuery(String caseText) {
        String[] parts = caseText.split("\\|");
        session.create("{\"name\":\"n\"}");

        AdminApiFixture.Response response = session.call("GET", "/api/v1/audit-events" + parts[0], null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("Invalid query: " + parts[1]);
    }

    @Test
    void anotherAccountsEvents_areNeitherListedNorUsableAsACursor() {
        JsonNode mine = session.create("{\"name\":\"mine\"}");
        String myEvent = events("").get(0).get("id").asText();

        AdminApiFixture.Response theirs = api.call("GET", "/api/v1/audit-events?key_id=" + mine.get("id").asText(),
                otherAccountToken, null, null);
        AdminApiFixture.Response cursor = api.call("GET", "/api/v1/audit-events?before=" + myEvent, otherAccountToken,
                null, null);

        assertThat(theirs.json()).isEmpty();
        assertThat(cursor.status()).isEqualTo(400);
        assertThat(api.call("GET", "/api/v1/audit-events", null, account, null).status()).isEqualTo(401);
        assertThat(api.call("GET", "/api/v1/audit-events", otherAccountToken, account, null).status()).isEqualTo(403);
        assertThat(api.call("GET", "/api/v1/audit-events", issued.token(), null, null).status()).isEqualTo(400);
        assertThat(session.call("POST", "/api/v1/audit-events", null).status()).isEqualTo(405);
    }

    @Test
    void theLog_survivesAnAdminApiRestart() {
        JsonNode key = session.create("{\"name\":\"kept\"}");
        session.call("PATCH", "/api/v1/widget-keys/" + key.get("id").asText(), "{\"disabled\":true}");
        JsonNode before = events("");

        AdminApiFixture restarted = AdminApiFixture.start(REDIS.server(), STORE_TIMEOUT);
        try {
            AdminApiFixture.Response after = restarted.call("GET", "/api/v1/audit-events", issued.token(), account, null);

            assertThat(after.json()).isEqualTo(before);
            assertThat(actions(after.json())).containsExactly("key.disabled", "key.created");
        } finally {
            restarted.close();
        }
    }

    /**
     * A Redis script is atomic but not transactional: a command that fails half-way would leave
     * the writes before it. The mutation scripts check the type of every key they write before
     * writing anything; here the audit log's key holds a string, so appending the event would fail
     * after the record's write, and the check must refuse the whole mutation instead.
     */
    @Test
    void aStoreFailureInTheMiddleOfAMutation_leavesNeitherTheMutationNorItsEvent() {
        JsonNode key = session.create("{\"name\":\"before\"}");
        String record = "we:v1:wk:{" + key.get("id").asText() + "}";
        String log = "we:v1:audit:{" + account + "}";
        Map<String, String> stored = redis().hgetall(record);
        List<Object> logEntries = new ArrayList<>(redis().xrange(log, Range.create("-", "+")));
        redis().rename(log, log + ":aside");
        redis().set(log, "not a stream");
        AdminApiFixture.Response patched;
        AdminApiFixture.Response rotated;
        AdminApiFixture.Response created;
        try {
            patched = session.call("PATCH", "/api/v1/widget-keys/" + key.get("id").asText(), "{\"name\":\"after\"}");
            rotated = session.call("POST", "/api/v1/widget-keys/" + key.get("id").asText() + "/rotate", null);
            created = session.call("POST", "/api/v1/widget-keys", "{\"name\":\"never\"}");
        } finally {
            redis().del(log);
            redis().rename(log + ":aside", log);
        }

        assertThat(List.of(patched, rotated, created)).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("Database error");
        });
        assertThat(redis().hgetall(record)).as("the record, version included").isEqualTo(stored);
        assertThat(redis().xrange(log, Range.create("-", "+"))).hasSameSizeAs(logEntries);
        assertThat(session.call("GET", "/api/v1/widget-keys", null).json()).hasSize(1);
        assertThat(session.call("PATCH", "/api/v1/widget-keys/" + key.get("id").asText(), "{\"name\":\"after\"}").status())
                .as("and once the store is sound, the same call works").isEqualTo(204);
        assertThat(actions(events(""))).containsExactly("key.updated", "key.created");
    }

    /**
     * A mutation whose script Redis runs only after the admin API gave up on it (here: writes are
     * paused past the store timeout) is answered 500, and then applied whole, event included. (The
     * admin API's one connection waits behind the paused script meanwhile, so its reads fail too.)
     */
    @Test
    void aMutationThatTimesOut_isLaterAppliedWhole_withItsEvent_orNotAtAll() {
        JsonNode key = session.create("{\"name\":\"before\"}");
        String id = key.get("id").asText();
        // CLIENT PAUSE 2000 WRITE: reads go on, every script waits for the pause to end.
        redis().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(2_000).add("WRITE"));
        AdminApiFixture.Response patched = session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":true}");

        assertThat(patched.status()).isEqualTo(500);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            JsonNode listed = session.call("GET", "/api/v1/widget-keys", null).json().get(0);
            List<String> actions = actions(events("?key_id=" + id));
            boolean applied = !listed.get("disabled_at").isNull();
            assertThat(applied).as("the paused write ran").isTrue();
            assertThat(actions).containsExactly("key.disabled", "key.created");
        });
    }
}
