package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "The plaintext key is never stored" (docs/keys.md) and "the key layout is versioned" (docs/redis.md): after real
 * admin API traffic (a rotation included), every key and every value in Redis, the audit log's too, is read and
 * searched for secrets.
 */
class AdminSecretsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String PREFIX = "we:v1:";
    private static final String INVALIDATIONS = PREFIX + "invalidations";

    static AdminApiFixture api;
    static RedisClient client;
    static StatefulRedisConnection<String, String> connection;
    static StatefulRedisPubSubConnection<String, String> subscriber;
    static final List<String> PUBLISHED = new CopyOnWriteArrayList<>();

    /** Admin tokens issued (plaintext), all of which must stay out of Redis. */
    static final List<String> TOKENS = new ArrayList<>();
    /** Every plaintext key created, including those later deleted. */
    static final List<String> PLAINTEXT_KEYS = new ArrayList<>();
    /** Plaintext keys whose record still exists (not deleted, or deleted after use). */
    static final List<String> LIVE_KEYS = new ArrayList<>();
    /** Ids of keys whose record was removed (never used, then deleted). */
    static final List<String> REMOVED_IDS = new ArrayList<>();
    static int mutations;

    /** Everything Redis holds: every key name with a rendering of every value of every type. */
    static final Map<String, String> CONTENTS = new TreeMap<>();

    @BeforeAll
    static void trafficThenDump() {
        api = AdminApiFixture.start(REDIS.server());
        client = RedisClient.create(REDIS.server().uri());
        connection = client.connect();
        subscriber = client.connectPubSub();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                PUBLISHED.add(channel + " " + message);
            }
        });
        subscriber.sync().subscribe(INVALIDATIONS);

        String one = api.issueToken(AccountScope.of(Set.of("acct_one")));
        String two = api.issueToken(AccountScope.of(Set.of("acct_two", "acct_three")));
        String all = api.issueToken(AccountScope.all());
        AdminApiFixture.Issued revoked = api.issue(AccountScope.of(Set.of("acct_one")));
        TOKENS.addAll(List.of(one, two, all, revoked.token()));

        List<JsonNode> created = new ArrayList<>();
        created.add(create(one, null, "{\"name\":\"one a\",\"agent_id\":\"agent_1\","
                + "\"domain_allowlist\":[\"https://a.example\",\"https://*.b.example\"]}"));
        created.add(create(one, null, "{\"name\":\"one b\"}"));
        created.add(create(two, "acct_two", "{\"name\":\"two a\",\"domain_allowlist\":[\"http://localhost:3000\"]}"));
        created.add(create(two, "acct_three", "{\"name\":\"three a\"}"));
        created.add(create(all, "acct_any", "{\"name\":\"any a\"}"));
        created.add(create(all, "acct_any", "{\"name\":\"any b\"}"));
        for (JsonNode key : created) {
            PLAINTEXT_KEYS.add(key.get("key").asText());
        }

        patch(one, null, created.get(0), "{\"name\":\"one a renamed\",\"domain_allowlist\":[\"https://c.example\"]}");
        patch(two, "acct_two", created.get(2), "{\"disabled\":true}");
        patch(all, "acct_any", created.get(4), "{\"agent_id\":\"agent_2\",\"disabled\":false}");

        // Key 1 is deleted before any use (its record goes); key 5 after a use (it is disabled and kept).
        delete(one, null, created.get(1));
        REMOVED_IDS.add(created.get(1).get("id").asText());
        api.keys.recordUsage(UUID.fromString(created.get(5).get("id").asText()), Instant.now())
                .toCompletableFuture().join();
        delete(all, "acct_any", created.get(5));
        // Key 3 is rotated: the new key's plaintext must stay out of Redis like every other.
        AdminApiFixture.Response rotated = api.call("POST", "/api/v1/widget-keys/" + created.get(3).get("id").asText()
                + "/rotate", two, "acct_three", "{\"grace_seconds\":60}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        mutations += 2;
        created.add(rotated.json());
        PLAINTEXT_KEYS.add(rotated.json().get("key").asText());
        for (int i = 0; i < created.size(); i++) {
            if (i != 1) {
                LIVE_KEYS.add(PLAINTEXT_KEYS.get(i));
            }
        }

        assertThat(api.tokens.revoke(revoked.metadata().id()).toCompletableFuture().join()).isTrue();

        int expected = mutations;
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(PUBLISHED).as("invalidations seen")
                        .hasSizeGreaterThanOrEqualTo(expected));
        dumpRedis();
    }

    @AfterAll
    static void stop() {
        if (subscriber != null) {
            subscriber.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown();
        }
        if (api != null) {
            api.close();
        }
    }

    private static JsonNode create(String token, String account, String body) {
        AdminApiFixture.Response response = api.call("POST", "/api/v1/widget-keys", token, account, body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        mutations++;
        return response.json();
    }

    private static void patch(String token, String account, JsonNode key, String body) {
        AdminApiFixture.Response response = api.call("PATCH", "/api/v1/widget-keys/" + key.get("id").asText(),
                token, account, body);
        assertThat(response.status()).as(response.body()).isEqualTo(204);
        mutations++;
    }

    private static void delete(String token, String account, JsonNode key) {
        AdminApiFixture.Response response = api.call("DELETE", "/api/v1/widget-keys/" + key.get("id").asText(),
                token, account, null);
        assertThat(response.status()).as(response.body()).isEqualTo(204);
        mutations++;
    }

    /** SCANs every key and reads its value whatever its type, failing on a type it does not know. */
    private static void dumpRedis() {
        RedisCommands<String, String> redis = connection.sync();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.limit(100));
            for (String key : page.getKeys()) {
                CONTENTS.put(key, render(redis, key));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static String render(RedisCommands<String, String> redis, String key) {
        String type = redis.type(key);
        return type + " " + switch (type) {
            case "hash" -> redis.hgetall(key).toString();
            case "zset" -> redis.zrangeWithScores(key, 0, -1).stream()
                    .map(ScoredValue::toString).toList().toString();
            case "string" -> redis.get(key);
            case "set" -> redis.smembers(key).toString();
            case "list" -> redis.lrange(key, 0, -1).toString();
            case "stream" -> redis.xrange(key, Range.create("-", "+")).toString();
            case "none" -> "(expired during the scan)";
            default -> throw new AssertionError("unexpected Redis type " + type + " for " + key);
        };
    }

    private static String everything() {
        StringBuilder all = new StringBuilder();
        CONTENTS.forEach((key, value) -> all.append(key).append('\n').append(value).append('\n'));
        return all.toString();
    }

    @Test
    void redisHoldsData_afterTheTraffic() {
        assertThat(CONTENTS).isNotEmpty();
        assertThat(CONTENTS.values()).anyMatch(value -> value.startsWith("hash "));
        assertThat(CONTENTS.values()).anyMatch(value -> value.startsWith("zset "));
    }

    @Test
    void noPlaintextWidgetKey_appearsInAnyKeyNameOrValue() {
        String all = everything();

        for (String plaintext : PLAINTEXT_KEYS) {
            assertThat(all).as("Redis contents").doesNotContain(plaintext);
            // The random part alone would be as good as the key: it must not be there either.
            assertThat(all).as("Redis contents").doesNotContain(plaintext.substring("pk_live_".length(), 38));
        }
    }

    @Test
    void noPlaintextAdminToken_appearsInAnyKeyNameOrValue() {
        String all = everything();

        for (String token : TOKENS) {
            assertThat(all).as("Redis contents").doesNotContain(token);
            assertThat(all).as("Redis contents").doesNotContain(token.substring("wet_".length(), token.length() - 8));
        }
    }

    @Test
    void noPlaintextSecret_wasEverPublished() {
        for (String message : PUBLISHED) {
            for (String plaintext : PLAINTEXT_KEYS) {
                assertThat(message).doesNotContain(plaintext);
            }
            for (String token : TOKENS) {
                assertThat(message).doesNotContain(token);
            }
        }
        assertThat(PUBLISHED).hasSizeGreaterThanOrEqualTo(mutations);
    }

    @Test
    void theDigestOfEveryLiveKey_isStored() {
        String all = everything();

        for (String plaintext : LIVE_KEYS) {
            assertThat(all).as("Redis contents").contains(KeyDigest.sha256Hex(plaintext));
        }
    }

    @Test
    void theDigestOfEveryActiveToken_isStored() {
        String all = everything();

        for (String token : TOKENS.subList(0, 3)) {
            assertThat(all).as("Redis contents").contains(KeyDigest.sha256Hex(token));
        }
    }

    @Test
    void aRemovedKey_leavesNothingBehindButItsAuditTrailAndRecentChanges_notEvenInItsAccountsIndex() {
        StringBuilder allButAudit = new StringBuilder();
        StringBuilder audit = new StringBuilder();
        CONTENTS.forEach((key, value) -> {
            // The change log names every key a mutation touched, for the minutes it keeps entries
            // (ids and versions only), so that gateways can catch up on invalidations they missed.
            if (!key.equals(PREFIX + "changes")) {
                (key.startsWith(PREFIX + "audit:") ? audit : allButAudit)
                        .append(key).append('\n').append(value).append('\n');
            }
        });

        for (String id : REMOVED_IDS) {
            assertThat(allButAudit.toString()).as("Redis contents but the audit log").doesNotContain(id);
            assertThat(audit.toString()).as("the audit log").contains("\"action\":\"key.deleted\",\"key_id\":\"" + id);
        }
        assertThat(everything()).doesNotContain(KeyDigest.sha256Hex(PLAINTEXT_KEYS.get(1)));
    }

    @Test
    void everyMutation_leftItsEventInTheAuditLog_withActorAndChanges() {
        String audit = CONTENTS.entrySet().stream().filter(entry -> entry.getKey().startsWith(PREFIX + "audit:{"))
                .map(Map.Entry::getValue).reduce("", String::concat);

        assertThat(audit.split("\"action\":", -1)).hasSize(mutations + 1);
        assertThat(audit).contains("\"action\":\"key.rotated\"", "\"rotated_from\":{\"from\":null",
                "\"token_name\":\"test\"}");
    }

    @Test
    void aRevokedToken_leavesNoDigestBehind() {
        assertThat(everything()).doesNotContain(KeyDigest.sha256Hex(TOKENS.get(3)));
    }

    @Test
    void everyKeyName_startsWithTheVersionedPrefix() {
        assertThat(CONTENTS.keySet()).allSatisfy(key -> assertThat(key).startsWith(PREFIX));
    }

    @Test
    void invalidations_arePublishedOnTheVersionedChannel() {
        assertThat(PUBLISHED).isNotEmpty().allSatisfy(message -> assertThat(message).startsWith(INVALIDATIONS + " "));
    }
}
