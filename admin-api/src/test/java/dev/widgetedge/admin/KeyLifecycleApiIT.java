package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.report.OriginLabels;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expiry, report mode, rotation, the origin report and the daily usage through the real admin
 * API on a real Redis; every response is checked against the OpenAPI document by the fixture.
 */
class KeyLifecycleApiIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String DEFAULT_LIMITS = "{\"per_client_per_minute\":null,\"per_key_per_minute\":null}";

    static AdminApiFixture api;
    static String token;
    static String otherAccountToken;

    AccountSession session;
    String account;

    @BeforeAll
    static void start() {
        api = AdminApiFixture.start(REDIS.server());
        token = api.issueToken(AccountScope.all());
        otherAccountToken = api.issueToken(AccountScope.of(Set.of("acct_other")));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @BeforeEach
    void freshAccount() {
        session = AccountSession.inFreshAccount(api, token);
        account = session.account();
    }

    private static String inOneHour() {
        return Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    // ---- expires_at and mode ------------------------------------------------------------------------

    @Test
    void aNewKey_isEnforcedAndNeverExpires_unlessTheBodySaysOtherwise() {
        JsonNode plain = session.create("{\"name\":\"plain\"}");
        String expiry = "2030-06-01T12:00:00.5+02:00";
        JsonNode custom = session.create("{\"name\":\"custom\",\"mode\":\"report\",\"expires_at\":\"" + expiry + "\"}");

        assertThat(plain.get("expires_at").isNull()).isTrue();
        assertThat(plain.get("mode").asText()).isEqualTo("enforce");
        assertThat(plain.get("rotated_from").isNull()).isTrue();
        assertThat(plain.get("replaced_by").isNull()).isTrue();
        assertThat(custom.get("mode").asText()).isEqualTo("report");
        assertThat(custom.get("expires_at").asText()).isEqualTo("2030-06-01T10:00:00.500Z");
        assertThat(session.listed(custom.get("id").asText()).get("expires_at")).isEqualTo(custom.get("expires_at"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"name\":\"n\",\"expires_at\":\"2001-01-01T00:00:00Z\"}|expires_at is in the past",
            "{\"name\":\"n\",\"expires_at\":\"tomorrow\"}|expires_at must be an RFC 3339 date-time or null",
            "{\"name\":\"n\",\"expires_at\":\"2030-06-01T12:00:00\"}|expires_at must be an RFC 3339 date-time or null",
            "{\"name\":\"n\",\"expires_at\":1893456000}|expires_at must be an RFC 3339 date-time or null",
            "{\"name\":\"n\",\"mode\":\"audit\"}|mode must be \"enforce\" or \"report\"",
            "{\"name\":\"n\",\"mode\":null}|mode must be \"enforce\" or \"report\"",
    })
    void aBadExpiryOrMode_onCreate_isA400NamingTheField(String caseText) {
        String[] parts = caseText.split("\\|");

        AdminApiFixture.Response response = session.call("POST", "/api/v1/widget-keys", parts[0]);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("Invalid body or name required: " + parts[1]);
        assertThat(session.call("GET", "/api/v1/widget-keys", null).json()).as("nothing created").isEmpty();
    }

    @Test
    void patch_setsAndClearsTheExpiry_andSwitchesTheMode_refusingAPastTime() {
        JsonNode key = session.create("{\"name\":\"n\"}");
        String path = "/api/v1/widget-keys/" + key.get("id").asText();

        assertThat(session.call("PATCH", path, "{\"expires_at\":\"" + inOneHour() + "\",\"mode\":\"report\"}").status())
                .isEqualTo(204);
        assertThat(session.listed(key.get("id").asText()).get("mode").asText()).isEqualTo("report");
        assertThat(session.listed(key.get("id").asText()).get("expires_at").isNull()).isFalse();
        AdminApiFixture.Response past = session.call("PATCH", path, "{\"expires_at\":\"2001-01-01T00:00:00Z\"}");
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.body()).isEqualTo("Invalid body: expires_at is in the past");
        assertThat(session.call("PATCH", path, "{\"expires_at\":null}").status()).isEqualTo(204);
        assertThat(session.listed(key.get("id").asText()).get("expires_at").isNull()).isTrue();
    }

    // ---- rate_limits -----------------------------------------------------------------------------------

    @Test
    void rateLimits_areSetOnCreate_replacedByPatch_andNullReturnsBothToTheDefaults() {
        JsonNode plain = session.create("{\"name\":\"plain\"}");
        JsonNode limited = session.create("{\"name\":\"limited\",\"rate_limits\":{\"per_client_per_minute\":120,"
                + "\"per_key_per_minute\":6000}}");
        String id = limited.get("id").asText();
        String path = "/api/v1/widget-keys/" + id;

        assertThat(plain.get("rate_limits").toString()).isEqualTo(DEFAULT_LIMITS);
        assertThat(limited.get("rate_limits").toString())
                .isEqualTo("{\"per_client_per_minute\":120,\"per_key_per_minute\":6000}");
        assertThat(session.listed(id).get("rate_limits")).isEqualTo(limited.get("rate_limits"));
        assertThat(session.call("PATCH", path, "{\"rate_limits\":{\"per_key_per_minute\":10}}").status()).isEqualTo(204);
        assertThat(session.listed(id).get("rate_limits").toString())
                .as("the object replaces both limits").isEqualTo("{\"per_client_per_minute\":null,\"per_key_per_minute\":10}");
        assertThat(session.call("PATCH", path, "{\"name\":\"renamed\"}").status()).isEqualTo(204);
        assertThat(session.listed(id).get("rate_limits").get("per_key_per_minute").asInt()).as("left out, kept")
                .isEqualTo(10);
        assertThat(session.call("PATCH", path, "{\"rate_limits\":null}").status()).isEqualTo(204);
        assertThat(session.listed(id).get("rate_limits").toString()).isEqualTo(DEFAULT_LIMITS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"rate_limits\":{\"per_client_per_minute\":0}}|rate_limits.per_client_per_minute must be an integer 1-1000000 or null",
            "{\"rate_limits\":{\"per_key_per_minute\":1000001}}|rate_limits.per_key_per_minute must be an integer 1-1000000 or null",
            "{\"rate_limits\":{\"per_key_per_minute\":\"60\"}}|rate_limits.per_key_per_minute must be an integer 1-1000000 or null",
            "{\"rate_limits\":60}|rate_limits must be an object or null",
            "{\"rate_limits\":{\"per_minute\":60}}|rate_limits has an unknown field (expected per_client_per_minute, per_key_per_minute)",
    })
    void aBadRateLimit_isA400NamingTheField_onCreateAndPatch_andChangesNothing(String caseText) {
        String[] parts = caseText.split("\\|");
        JsonNode key = session.create("{\"name\":\"n\",\"rate_limits\":{\"per_client_per_minute\":5}}");
        String createBody = "{\"name\":\"n\"," + parts[0].substring(1);

        AdminApiFixture.Response created = session.call("POST", "/api/v1/widget-keys", createBody);
        AdminApiFixture.Response patched = session.call("PATCH", "/api/v1/widget-keys/" + key.get("id").asText(), parts[0]);

        assertThat(created.status()).isEqualTo(400);
        assertThat(created.body()).isEqualTo("Invalid body or name required: " + parts[1]);
        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.body()).isEqualTo("Invalid body: " + parts[1]);
        assertThat(session.call("GET", "/api/v1/widget-keys", null).json()).as("nothing created").hasSize(1);
        assertThat(session.listed(key.get("id").asText()).get("rate_limits")).isEqualTo(key.get("rate_limits"));
    }

    // ---- rotation --------------------------------------------------------------------------------------

    @Test
    void rotate_mintsANewKeyWithTheSameSettings_andTheOldOneExpiresAfterTheGrace() throws InterruptedException {
        JsonNode old = session.create("{\"name\":\"site\",\"agent_id\":\"agent_9\",\"mode\":\"report\","
                + "\"domain_allowlist\":[\"https://acme.com\"],\"expires_at\":\"2099-01-01T00:00:00Z\","
                + "\"rate_limits\":{\"per_client_per_minute\":30}}");
        String oldId = old.get("id").asText();
        api.published.clear();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        AdminApiFixture.Response rotated = session.call("POST", "/api/v1/widget-keys/" + oldId + "/rotate",
                "{\"grace_seconds\":3600}");

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        JsonNode successor = rotated.json();
        String newId = successor.get("id").asText();
        assertThat(rotated.header("Location")).isEqualTo("/api/v1/widget-keys/" + newId);
        assertThat(successor.get("key").asText()).isNotEqualTo(old.get("key").asText());
        assertThat(KeyDigest.keyId(successor.get("key").asText()).toString()).isEqualTo(newId);
        for (String field : List.of("name", "agent_id", "domain_allowlist", "mode", "rate_limits")) {
            assertThat(successor.get(field)).as(field).isEqualTo(old.get(field));
        }
        assertThat(successor.get("rotated_from").asText()).isEqualTo(oldId);
        assertThat(successor.get("expires_at").isNull()).as("a new key does not inherit the expiry").isTrue();
        JsonNode retired = session.listed(oldId);
        assertThat(retired.get("replaced_by").asText()).isEqualTo(newId);
        Instant expires = Instant.parse(retired.get("expires_at").asText());
        assertThat(expires).isBetween(before.plusSeconds(3600), Instant.now().plusSeconds(3600));
        assertThat(session.listed(newId)).isNotNull();
        List<String> published = new ArrayList<>();
        while (published.size() < 2) {
            Invalidation next = api.published.poll(10, TimeUnit.SECONDS);
            assertThat(next).as("an invalidation within 10 s").isNotNull();
            // The create's own invalidation may arrive late; the rotation's are version 2 and 1.
            if (next.version() == 2 || next.keyId().toString().equals(newId)) {
                published.add(next.keyId() + " v" + next.version());
            }
        }
        assertThat(published).containsExactlyInAnyOrder(oldId + " v2", newId + " v1");
    }

    @Test
    void rotate_withoutABody_keepsTheOldKeyADay_andAnExpiryThatComesSoonerStays() {
        JsonNode old = session.create("{\"name\":\"n\"}");
        String soon = inOneHour();
        JsonNode expiring = session.create("{\"name\":\"m\",\"expires_at\":\"" + soon + "\"}");

        assertThat(session.call("POST", "/api/v1/widget-keys/" + old.get("id").asText() + "/rotate", null).status())
                .isEqualTo(201);
        assertThat(session.call("POST", "/v1/widget-keys/" + expiring.get("id").asText() + "/rotate", "{}").status())
                .as("the alias, and an empty object").isEqualTo(201);

        Instant oldExpiry = Instant.parse(session.listed(old.get("id").asText()).get("expires_at").asText());
        assertThat(Duration.between(Instant.now(), oldExpiry)).isBetween(Duration.ofHours(23), Duration.ofHours(24));
        // As instants: the API always writes milliseconds, Instant.toString leaves out ".000".
        assertThat(Instant.parse(session.listed(expiring.get("id").asText()).get("expires_at").asText()))
                .isEqualTo(Instant.parse(soon));
    }

    @Test
    void rotate_withGraceZero_expiresTheOldKeyNow_andAnExpiredKeyMayBeRotatedAgain() {
        JsonNode old = session.create("{\"name\":\"n\"}");
        String path = "/api/v1/widget-keys/" + old.get("id").asText() + "/rotate";

        JsonNode first = session.call("POST", path, "{\"grace_seconds\":0}").json();
        String expiredAt = session.listed(old.get("id").asText()).get("expires_at").asText();
        AdminApiFixture.Response again = session.call("POST", path, "{\"grace_seconds\":600}");

        assertThat(Instant.parse(expiredAt)).isBeforeOrEqualTo(Instant.now());
        assertThat(again.status()).isEqualTo(201);
        JsonNode retired = session.listed(old.get("id").asText());
        assertThat(retired.get("expires_at").asText()).as("it expired already").isEqualTo(expiredAt);
        assertThat(retired.get("replaced_by").asText()).as("the latest replacement")
                .isEqualTo(again.json().get("id").asText()).isNotEqualTo(first.get("id").asText());
    }

    @Test
    void rotate_ofADisabledKey_is409_andWritesNothing() {
        JsonNode old = session.create("{\"name\":\"n\"}");
        session.call("PATCH", "/api/v1/widget-keys/" + old.get("id").asText(), "{\"disabled\":true}");
        JsonNode before = session.listed(old.get("id").asText());

        AdminApiFixture.Response response = session.call("POST", "/api/v1/widget-keys/" + old.get("id").asText() + "/rotate",
                null);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.body()).isEqualTo("Widget key is disabled");
        assertThat(session.call("GET", "/api/v1/widget-keys", null).json()).hasSize(1);
        assertThat(session.listed(old.get("id").asText())).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"grace_seconds\":-1}", "{\"grace_seconds\":2592001}", "{\"grace_seconds\":1.5}",
        "{\"grace_seconds\":\"60\"}", "{\"grace_seconds\":null}", "[]", "not json"})
    void rotate_withABadBody_is400InvalidBody_beforeTheKeyIsLookedUp(String body) {
        AdminApiFixture.Response response = session.call("POST", "/api/v1/widget-keys/" + UUID.randomUUID() + "/rotate", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).startsWith("Invalid body: ");
    }

    @Test
    void rotate_unknownKeyOrAnotherAccountsKey_is404_andOtherMethodsAre405() {
        JsonNode other = api.call("POST", "/api/v1/widget-keys", otherAccountToken, null, "{\"name\":\"theirs\"}").json();

        AdminApiFixture.Response unknown = session.call("POST", "/api/v1/widget-keys/" + UUID.randomUUID() + "/rotate", null);
        AdminApiFixture.Response theirs = session.call("POST", "/api/v1/widget-keys/" + other.get("id").asText() + "/rotate",
                null);
        AdminApiFixture.Response notAnId = session.call("POST", "/api/v1/widget-keys/not-an-id/rotate", null);
        AdminApiFixture.Response get = session.call("GET", "/api/v1/widget-keys/" + other.get("id").asText() + "/rotate", null);

        assertThat(List.of(unknown, theirs, notAnId)).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.body()).isEqualTo("Widget key not found");
        });
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
    }

    // ---- the origin report and the usage -----------------------------------------------------------------

    private static TrafficCount count(String origin, ReportOutcome outcome, long requests, Instant first,
            Instant last) {
        return new TrafficCount(origin, outcome, requests, first, last);
    }

    @Test
    void origins_sumsTheHoursAskedFor_mostRequestsFirst() {
        JsonNode key = session.create("{\"name\":\"n\"}");
        UUID id = UUID.fromString(key.get("id").asText());
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant earlier = hour.minus(5, ChronoUnit.HOURS);
        api.keys.recordTraffic(id, hour, List.of(
                count("https://acme.com", ReportOutcome.ALLOWED, 3, hour.plusSeconds(1), hour.plusSeconds(2)),
                count(OriginLabels.NULL, ReportOutcome.ORIGIN_NOT_ALLOWED, 9, hour.plusSeconds(3), hour.plusSeconds(3))))
                .toCompletableFuture().join();
        api.keys.recordTraffic(id, earlier, List.of(
                count("https://acme.com", ReportOutcome.ALLOWED, 20, earlier, earlier.plusSeconds(5))))
                .toCompletableFuture().join();
        String path = "/api/v1/widget-keys/" + id + "/origins";

        JsonNode current = session.call("GET", path + "?hours=1", null).json();
        JsonNode day = session.call("GET", path, null).json();

        assertThat(current).hasSize(2);
        assertThat(current.get(0).get("origin").asText()).isEqualTo("null");
        assertThat(current.get(0).get("requests").asLong()).isEqualTo(9);
        assertThat(day.get(0).get("origin").asText()).isEqualTo("https://acme.com");
        assertThat(day.get(0).get("outcome").asText()).isEqualTo("allowed");
        assertThat(day.get(0).get("requests").asLong()).isEqualTo(23);
        assertThat(day.get(0).get("first_seen").asText()).isEqualTo(WidgetKeyJson.timestamp(earlier));
        assertThat(day.get(0).get("last_seen").asText()).isEqualTo(WidgetKeyJson.timestamp(hour.plusSeconds(2)));
        assertThat(session.call("GET", "/v1/widget-keys/" + id + "/origins?hours=168", null).json()).isEqualTo(day);
    }

    @Test
    void usage_isOneRowPerDayWithTraffic_newestFirst_reportedCountingAsAllowed() {
        JsonNode key = session.create("{\"name\":\"n\"}");
        UUID id = UUID.fromString(key.get("id").asText());
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant twoDaysAgo = hour.minus(2, ChronoUnit.DAYS);
        api.keys.recordTraffic(id, hour, List.of(count("https://acme.com", ReportOutcome.ALLOWED, 3, hour, hour),
                count("https://x.example", ReportOutcome.REPORTED, 2, hour, hour),
                count(OriginLabels.MISSING, ReportOutcome.ORIGIN_MISSING, 1, hour, hour))).toCompletableFuture().join();
        api.keys.recordTraffic(id, twoDaysAgo, List.of(
                count("https://acme.com", ReportOutcome.KEY_DISABLED, 4, twoDaysAgo, twoDaysAgo)))
                .toCompletableFuture().join();
        String path = "/api/v1/widget-keys/" + id + "/usage";

        JsonNode month = session.call("GET", path, null).json();
        JsonNode today = session.call("GET", path + "?days=1", null).json();

        assertThat(month).hasSize(2);
        assertThat(month.get(0).get("date").asText()).isEqualTo(LocalDate.ofInstant(hour, ZoneOffset.UTC).toString());
        assertThat(month.get(0).get("allowed").asLong()).isEqualTo(5);
        assertThat(month.get(0).get("denied").asLong()).isEqualTo(1);
        assertThat(month.get(0).get("rate_limited").asLong()).isZero();
        assertThat(month.get(1).get("denied").asLong()).isEqualTo(4);
        assertThat(today).hasSize(1);
        assertThat(today.get(0)).isEqualTo(month.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"origins?hours=0|hours must be an integer 1-168", "origins?hours=169|hours must be an integer 1-168",
        "origins?hours=abc|hours must be an integer 1-168", "origins?hours=|hours must be an integer 1-168",
        "origins?hours=1&hours=2|hours given 2 times", "usage?days=91|days must be an integer 1-90",
        "usage?days=-1|days must be an integer 1-90", "usage?days=%31%30%30|days must be an integer 1-90"})
    void aQueryOutOfRange_is400InvalidQuery_beforeTheKeyIsLookedUp(String caseText) {
        String[] parts = caseText.split("\\|");

        AdminApiFixture.Response response = session.call("GET", "/api/v1/widget-keys/" + UUID.randomUUID() + "/" + parts[0],
                null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("Invalid query: " + parts[1]);
    }

    @Test
    void originsAndUsage_followTheSeedsAuthAccountAnd404Rules() {
        JsonNode mine = session.create("{\"name\":\"n\"}");
        JsonNode theirs = api.call("POST", "/api/v1/widget-keys", otherAccountToken, null, "{\"name\":\"t\"}").json();

        for (String report : List.of("origins", "usage")) {
            String path = "/api/v1/widget-keys/" + mine.get("id").asText() + "/" + report;
            assertThat(session.call("GET", path, null).json()).as("nothing counted yet").isEmpty();
            assertThat(api.call("GET", path, null, account, null).status()).isEqualTo(401);
            assertThat(api.call("GET", path, otherAccountToken, account, null).status()).isEqualTo(403);
            assertThat(api.call("GET", path, token, null, null).status()).isEqualTo(400);
            AdminApiFixture.Response notMine = session.call("GET", "/api/v1/widget-keys/" + theirs.get("id").asText() + "/"
                    + report, null);
            assertThat(notMine.status()).isEqualTo(404);
            assertThat(notMine.body()).isEqualTo("Widget key not found");
            assertThat(session.call("POST", path, null).status()).isEqualTo(405);
            assertThat(session.call("GET", "/api/v1/widget-keys/" + UUID.randomUUID() + "/" + report, null).status())
                    .isEqualTo(404);
        }
    }

    @Test
    void aKeyCreatedByTheApi_hasAWellFormedPlaintextEvenWhenRotated() {
        JsonNode old = session.create("{\"name\":\"n\"}");

        JsonNode successor = session.call("POST", "/api/v1/widget-keys/" + old.get("id").asText() + "/rotate", null).json();

        assertThat(WidgetKeyFormat.isWellFormed(successor.get("key").asText())).isTrue();
        assertThat(successor.get("key_last8").asText()).isEqualTo(WidgetKeyFormat.last8(successor.get("key").asText()));
        assertThat(session.call("GET", "/api/v1/widget-keys", null).toString()).doesNotContain(successor.get("key").asText());
    }
}
