package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin API's resources and calls (docs/admin-api.md): list, create, update-or-revoke, delete, on a real Redis. */
class WidgetKeysApiIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static AdminApiFixture api;
    static String token;
    static String otherAccountToken;

    /** Each test works in an account of its own, so tests do not see each other's keys. */
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

    /**
     * Waits for the invalidation of {@code id} with {@code version}, skipping messages about other
     * keys and older versions (pub/sub delivery is asynchronous to the HTTP response the test saw).
     */
    private static Invalidation awaitInvalidation(String id, long version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Invalidation next = api.published.poll(100, TimeUnit.MILLISECONDS);
            if (next != null && next.keyId().toString().equals(id) && next.version() >= version) {
                return next;
            }
        }
        throw new AssertionError("no invalidation of " + id + " at version " + version);
    }

    // --- list ---

    @Test
    void list_ofANewAccount_isAnEmptyArray() {
        AdminApiFixture.Response response = session.call("GET", "/api/v1/widget-keys", null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.body()).isEqualTo("[]");
    }

    @Test
    void list_isNewestFirst_andNeverShowsThePlaintextKey() {
        List<String> created = new ArrayList<>();
        List<String> plaintexts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonNode key = session.create("{\"name\":\"key " + i + "\"}");
            created.add(0, key.get("id").asText());
            plaintexts.add(key.get("key").asText());
        }

        AdminApiFixture.Response response = session.call("GET", "/api/v1/widget-keys", null);

        List<String> listed = new ArrayList<>();
        response.json().forEach(key -> listed.add(key.get("id").asText()));
        assertThat(listed).isEqualTo(created);
        response.json().forEach(key -> assertThat(key.has("key")).isFalse());
        plaintexts.forEach(plaintext -> assertThat(response.body()).doesNotContain(plaintext));
    }

    @Test
    void list_showsOnlyTheCallersAccount() {
        session.create("{\"name\":\"mine\"}");
        api.call("POST", "/api/v1/widget-keys", otherAccountToken, null, "{\"name\":\"theirs\"}");

        JsonNode listed = session.list();

        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("name").asText()).isEqualTo("mine");
        assertThat(listed.get(0).get("account_id").asText()).isEqualTo(account);
    }

    // --- create ---

    @Test
    void create_returnsTheKeyOnce_withLocation_andEveryField() {
        AdminApiFixture.Response response = session.call("POST", "/api/v1/widget-keys",
                "{\"name\":\"acme.com production\",\"agent_id\":\"agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z\","
                        + "\"domain_allowlist\":[\"https://acme.com\",\"https://www.acme.com\"]}");

        assertThat(response.status()).isEqualTo(201);
        JsonNode key = response.json();
        String plaintext = key.get("key").asText();
        String id = key.get("id").asText();
        assertThat(WidgetKeyFormat.isWellFormed(plaintext)).isTrue();
        assertThat(key.get("key_last8").asText()).isEqualTo(plaintext.substring(plaintext.length() - 8));
        assertThat(id).isEqualTo(KeyDigest.keyId(plaintext).toString());
        assertThat(response.header("Location")).isEqualTo("/api/v1/widget-keys/" + id);
        assertThat(key.get("account_id").asText()).isEqualTo(account);
        assertThat(key.get("name").asText()).isEqualTo("acme.com production");
        assertThat(key.get("agent_id").asText()).isEqualTo("agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z");
        assertThat(key.get("domain_allowlist")).hasSize(2);
        assertThat(key.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(key.get("updated_at").asText()).isEqualTo(key.get("created_at").asText());
        assertThat(key.get("disabled_at").isNull()).isTrue();
        assertThat(key.get("last_used_at").isNull()).isTrue();
    }

    @Test
    void create_withOnlyAName_hasNoAgentAndAnEmptyAllowlist() {
        JsonNode key = session.create("{\"name\":\"bare\"}");

        assertThat(key.get("agent_id").isNull()).isTrue();
        assertThat(key.get("domain_allowlist")).isEmpty();
    }

    @Test
    void create_normalizesTheAllowlist() {
        JsonNode key = session.create("{\"name\":\"n\",\"domain_allowlist\":[\"HTTPS://Acme.COM:443/\",\"https://acme.com\","
                + "\"http://localhost:80\",\"https://*.Acme.com\",\"https://b\u00fccher.example\"]}");

        assertThat(key.get("domain_allowlist")).extracting(JsonNode::asText).containsExactly(
                "https://acme.com", "http://localhost", "https://*.acme.com", "https://xn--bcher-kva.example");
    }

    @Test
    void create_trimsTheName() {
        assertThat(session.create("{\"name\":\"  spaced  \"}").get("name").asText()).isEqualTo("spaced");
    }

    @Test
    void create_ignoresServerSetAndUnknownFields() {
        JsonNode key = session.create("{\"name\":\"n\",\"id\":\"11111111-1111-1111-1111-111111111111\","
                + "\"account_id\":\"acct_evil\",\"created_at\":\"2000-01-01T00:00:00.000Z\","
                + "\"updated_at\":\"2000-01-01T00:00:00.000Z\",\"disabled_at\":\"2000-01-01T00:00:00.000Z\","
                + "\"last_used_at\":\"2000-01-01T00:00:00.000Z\",\"key\":\"pk_live_x\",\"key_last8\":\"AAAAAAAA\","
                + "\"disabled\":true,\"color\":\"blue\"}");

        assertThat(key.get("id").asText()).isNotEqualTo("11111111-1111-1111-1111-111111111111");
        assertThat(key.get("account_id").asText()).isEqualTo(account);
        assertThat(Instant.parse(key.get("created_at").asText())).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(key.get("disabled_at").isNull()).isTrue();
        assertThat(key.get("last_used_at").isNull()).isTrue();
        assertThat(key.get("key").asText()).isNotEqualTo("pk_live_x");
        assertThat(key.get("key_last8").asText()).isNotEqualTo("AAAAAAAA");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{}|name is required",
            "{\"name\":null}|name is required",
            "{\"name\":\"   \"}|name must be 1-200 characters after trimming",
            "{\"name\":42}|name must be a string",
            "{\"name\":\"a\\u0000b\"}|name must not contain control characters",
            "{\"name\":\"n\",\"agent_id\":\"has space\"}|agent_id must be 1-128 characters",
            "{\"name\":\"n\",\"agent_id\":\"\"}|agent_id must be 1-128 characters",
            "{\"name\":\"n\",\"agent_id\":7}|agent_id must be a string or null",
            "{\"name\":\"n\",\"domain_allowlist\":\"https://acme.com\"}|domain_allowlist must be an array",
            "{\"name\":\"n\",\"domain_allowlist\":[\"https://acme.com\",\"https://acme.com/x\"]}|domain_allowlist[1] has a path",
            "{\"name\":\"n\",\"domain_allowlist\":[\"https://acme.com?q\"]}|domain_allowlist[0] has a query",
            "{\"name\":\"n\",\"domain_allowlist\":[\"https://u@acme.com\"]}|domain_allowlist[0] has userinfo",
            "{\"name\":\"n\",\"domain_allowlist\":[\"acme.com\"]}|domain_allowlist[0] ",
            "{\"name\":\"n\",\"domain_allowlist\":[\"https://a.*.acme.com\"]}|domain_allowlist[0] ",
            "{\"name\":\"n\",\"domain_allowlist\":[null]}|domain_allowlist[0] must be a string",
            "[]|body must be a JSON object",
            "\"name\"|body must be a JSON object",
            "{\"name\":\"n\"|malformed JSON",
            "{\"name\":\"a\",\"name\":\"b\"}|malformed JSON",
            "{\"name\":\"n\"} {}|malformed JSON",
    })
    void create_withAnInvalidBody_is400NamingTheField(String body, String detail) {
        AdminApiFixture.Response response = session.call("POST", "/api/v1/widget-keys", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).startsWith("Invalid body or name required: " + detail);
        assertThat(session.list()).isEmpty();
    }

    /** A call whose body is {@code body} byte for byte, whatever its encoding. */
    private AdminApiFixture.Response callWithBytes(String method, String path, byte[] body) {
        return api.send(java.net.http.HttpRequest.newBuilder(api.adminUri(path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .header("X-Account-ID", account)
                .header("Content-Type", "application/json")
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    private static byte[] bytes(String json, java.nio.charset.Charset charset, int... prefix) {
        byte[] text = json.getBytes(charset);
        byte[] all = new byte[prefix.length + text.length];
        for (int i = 0; i < prefix.length; i++) {
            all[i] = (byte) prefix[i];
        }
        System.arraycopy(text, 0, all, prefix.length, text.length);
        return all;
    }

    static List<byte[]> bodiesThatAreNotUtf8() {
        String json = "{\"name\":\"n\"}";
        return List.of(
                bytes(json, java.nio.charset.StandardCharsets.UTF_16LE, 0xFF, 0xFE),
                bytes(json, java.nio.charset.StandardCharsets.UTF_16BE, 0xFE, 0xFF),
                bytes(json, java.nio.charset.StandardCharsets.UTF_16LE),
                bytes(json, java.nio.charset.StandardCharsets.UTF_16BE),
                bytes(json, java.nio.charset.Charset.forName("UTF-32BE")),
                bytes("{\"name\":\"caf\u00e9\"}", java.nio.charset.StandardCharsets.ISO_8859_1),
                bytes("{\"name\":\"n\"}", java.nio.charset.StandardCharsets.UTF_8, 0xC3, 0x28));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("bodiesThatAreNotUtf8")
    void createAndPatch_withABodyThatIsNotUtf8_are400_andStoreNothing(byte[] body) {
        AdminApiFixture.Response created = callWithBytes("POST", "/api/v1/widget-keys", body);

        assertThat(created.status()).isEqualTo(400);
        assertThat(created.body()).startsWith("Invalid body or name required: body is not UTF-8");
        assertThat(session.list()).isEmpty();

        String id = session.create("{\"name\":\"kept\"}").get("id").asText();
        AdminApiFixture.Response patched = callWithBytes("PATCH", "/api/v1/widget-keys/" + id, body);

        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.body()).startsWith("Invalid body: body is not UTF-8");
        assertThat(session.listed(id).get("name").asText()).isEqualTo("kept");
    }

    @Test
    void aUtf8ByteOrderMark_isSkipped() {
        AdminApiFixture.Response created = callWithBytes("POST", "/api/v1/widget-keys",
                bytes("{\"name\":\"bom\"}", java.nio.charset.StandardCharsets.UTF_8, 0xEF, 0xBB, 0xBF));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("name").asText()).isEqualTo("bom");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"name\":\"x\\ud800y\"}|name",
        "{\"name\":\"x\\udc00\"}|name",
        "{\"name\":\"x\\ude00\\ud83dy\"}|name",
        "{\"name\":\"n\",\"domain_allowlist\":[\"https://a.example\",\"https://\\ud800.example\"]}|domain_allowlist[1]",
        "{\"name\":\"n\",\"agent_id\":\"\\ud800\"}|agent_id",
        "{\"name\":\"n\",\"extra\":{\"deep\":[\"\\udfff\"]}}|extra.deep[0]",
    })
    void aLoneSurrogateInAnyString_is400NamingTheField_andNothingIsStored(String body, String field) {
        AdminApiFixture.Response created = session.call("POST", "/api/v1/widget-keys", body);

        assertThat(created.status()).isEqualTo(400);
        assertThat(created.body()).isEqualTo("Invalid body or name required: " + field
                + " has an unpaired surrogate escape (not Unicode text)");
        assertThat(session.list()).isEmpty();

        String id = session.create("{\"name\":\"kept\"}").get("id").asText();
        AdminApiFixture.Response patched = session.call("PATCH", "/api/v1/widget-keys/" + id, body);

        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.body()).startsWith("Invalid body: " + field + " has an unpaired surrogate");
        assertThat(session.listed(id).get("name").asText()).isEqualTo("kept");
    }

    @Test
    void aSurrogatePair_isStoredAsTheCharacterThe201Names() {
        JsonNode created = session.create("{\"name\":\"smile \\ud83d\\ude00\"}");

        assertThat(created.get("name").asText()).isEqualTo("smile \ud83d\ude00");
        assertThat(session.listed(created.get("id").asText()).get("name").asText()).isEqualTo("smile \ud83d\ude00");
        assertThat(api.keys.findById(UUID.fromString(created.get("id").asText())).toCompletableFuture().join()
                .orElseThrow().key().name()).as("what Redis holds").isEqualTo("smile \ud83d\ude00");
    }

    @Test
    void create_withAnEmptyBody_is400() {
        AdminApiFixture.Response response = session.call("POST", "/api/v1/widget-keys", "");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).startsWith("Invalid body or name required");
    }

    @Test
    void create_withANameOf200Characters_isAccepted_and201IsNot() {
        assertThat(session.call("POST", "/api/v1/widget-keys", "{\"name\":\"" + "n".repeat(200) + "\"}").status())
                .isEqualTo(201);
        assertThat(session.call("POST", "/api/v1/widget-keys", "{\"name\":\"" + "n".repeat(201) + "\"}").status())
                .isEqualTo(400);
    }

    @Test
    void create_withAnAgentIdOf128Characters_isAccepted_and129IsNot() {
        assertThat(session.call("POST", "/api/v1/widget-keys", "{\"name\":\"n\",\"agent_id\":\"" + "a".repeat(128) + "\"}")
                .status()).isEqualTo(201);
        assertThat(session.call("POST", "/api/v1/widget-keys", "{\"name\":\"n\",\"agent_id\":\"" + "a".repeat(129) + "\"}")
                .status()).isEqualTo(400);
    }

    @Test
    void create_withAHundredOrigins_isAccepted_andAHundredAndOneIsNot() {
        assertThat(session.call("POST", "/api/v1/widget-keys", allowlistBody(100)).status()).isEqualTo(201);

        AdminApiFixture.Response tooMany = session.call("POST", "/api/v1/widget-keys", allowlistBody(101));

        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body()).startsWith("Invalid body or name required: domain_allowlist has 101 entries");
    }

    private static String allowlistBody(int entries) {
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            origins.add("\"https://site" + i + ".example\"");
        }
        return "{\"name\":\"n\",\"domain_allowlist\":[" + String.join(",", origins) + "]}";
    }

    @Test
    void create_publishesAnInvalidationForTheNewKey() throws InterruptedException {
        String id = session.create("{\"name\":\"n\"}").get("id").asText();

        assertThat(awaitInvalidation(id, 1).version()).isEqualTo(1);
    }

    // --- update ---

    @Test
    void patch_renamesReplacesAllowlistAndRepins() {
        String id = session.create("{\"name\":\"old\",\"domain_allowlist\":[\"https://a.example\"]}").get("id").asText();

        AdminApiFixture.Response response = session.call("PATCH", "/api/v1/widget-keys/" + id,
                "{\"name\":\"new\",\"domain_allowlist\":[\"https://b.example\",\"https://c.example\"],"
                        + "\"agent_id\":\"agent_2\"}");

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        JsonNode key = session.listed(id);
        assertThat(key.get("name").asText()).isEqualTo("new");
        assertThat(key.get("domain_allowlist")).extracting(JsonNode::asText)
                .containsExactly("https://b.example", "https://c.example");
        assertThat(key.get("agent_id").asText()).isEqualTo("agent_2");
        assertThat(Instant.parse(key.get("updated_at").asText()))
                .isAfterOrEqualTo(Instant.parse(key.get("created_at").asText()));
    }

    @Test
    void patch_withAgentIdNull_unpins_andWithoutAgentId_keepsIt() {
        String id = session.create("{\"name\":\"n\",\"agent_id\":\"agent_1\"}").get("id").asText();

        session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"name\":\"renamed\"}");
        assertThat(session.listed(id).get("agent_id").asText()).isEqualTo("agent_1");

        session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"agent_id\":null}");
        assertThat(session.listed(id).get("agent_id").isNull()).isTrue();
    }

    @Test
    void patch_withAnEmptyAllowlist_clearsIt() {
        String id = session.create("{\"name\":\"n\",\"domain_allowlist\":[\"https://a.example\"]}").get("id").asText();

        assertThat(session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"domain_allowlist\":[]}").status()).isEqualTo(204);

        assertThat(session.listed(id).get("domain_allowlist")).isEmpty();
    }

    @Test
    void patch_disable_isIdempotent_keepingTheFirstTimestamp_andFalseReEnables() {
        String id = session.create("{\"name\":\"n\"}").get("id").asText();

        assertThat(session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":true}").status()).isEqualTo(204);
        String firstDisabledAt = session.listed(id).get("disabled_at").asText();
        assertThat(Instant.parse(firstDisabledAt)).isNotNull();

        assertThat(session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":true}").status()).isEqualTo(204);
        assertThat(session.listed(id).get("disabled_at").asText()).isEqualTo(firstDisabledAt);

        assertThat(session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":false}").status()).isEqualTo(204);
        assertThat(session.listed(id).get("disabled_at").isNull()).isTrue();
    }

    @Test
    void patch_ignoresServerSetAndUnknownFields() {
        JsonNode created = session.create("{\"name\":\"n\"}");
        String id = created.get("id").asText();

        AdminApiFixture.Response response = session.call("PATCH", "/api/v1/widget-keys/" + id,
                "{\"id\":\"11111111-1111-1111-1111-111111111111\",\"account_id\":\"acct_evil\","
                        + "\"created_at\":\"2000-01-01T00:00:00.000Z\",\"disabled_at\":\"2000-01-01T00:00:00.000Z\","
                        + "\"last_used_at\":\"2000-01-01T00:00:00.000Z\",\"key_last8\":\"AAAAAAAA\",\"extra\":1}");

        assertThat(response.status()).isEqualTo(204);
        JsonNode key = session.listed(id);
        assertThat(key.get("account_id").asText()).isEqualTo(account);
        assertThat(key.get("created_at").asText()).isEqualTo(created.get("created_at").asText());
        assertThat(key.get("disabled_at").isNull()).isTrue();
        assertThat(key.get("last_used_at").isNull()).isTrue();
        assertThat(key.get("key_last8").asText()).isEqualTo(created.get("key_last8").asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[]|body must be a JSON object",
            "{\"name\":\"\"}|name must be 1-200 characters after trimming",
            "{\"name\":null}|name must be a string",
            "{\"disabled\":\"yes\"}|disabled must be true or false",
            "{\"disabled\":null}|disabled must be true or false",
            "{\"domain_allowlist\":null}|domain_allowlist must be an array",
            "{\"domain_allowlist\":[\"https://ok.example\",\"https://*\"]}|domain_allowlist[1] ",
            "{\"domain_allowlist\":[\"null\"]}|domain_allowlist[0] ",
            "not json|malformed JSON",
    })
    void patch_withAnInvalidBody_is400InvalidBody_andChangesNothing(String body, String detail) {
        JsonNode created = session.create("{\"name\":\"n\",\"domain_allowlist\":[\"https://a.example\"]}");
        String id = created.get("id").asText();

        AdminApiFixture.Response response = session.call("PATCH", "/api/v1/widget-keys/" + id, body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).startsWith("Invalid body: " + detail);
        assertThat(session.listed(id).get("updated_at").asText()).isEqualTo(created.get("updated_at").asText());
        assertThat(api.keys.findById(UUID.fromString(id)).toCompletableFuture().join().orElseThrow().version())
                .as("a refused PATCH writes nothing, so the version (and its invalidation) stays").isEqualTo(1);
    }

    @Test
    void patch_ofAnUnknownId_is404() {
        AdminApiFixture.Response response = session.call("PATCH", "/api/v1/widget-keys/" + UUID.randomUUID(), "{\"name\":\"x\"}");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("Widget key not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-uuid", "1-1-1-1-1", "0B6F2C1E8E7C4A539D7E3F1B2A4C5D6E", "%2e%2e"})
    void patchAndDelete_ofAMalformedId_are404(String id) {
        assertThat(session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"name\":\"x\"}").status()).isEqualTo(404);
        assertThat(session.call("DELETE", "/api/v1/widget-keys/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void patchAndDelete_ofAnotherAccountsKey_are404LikeAMissingKey_andChangeNothing() {
        JsonNode theirs = api.call("POST", "/api/v1/widget-keys", otherAccountToken, null, "{\"name\":\"theirs\"}").json();
        String id = theirs.get("id").asText();

        AdminApiFixture.Response patch = session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":true}");
        AdminApiFixture.Response delete = session.call("DELETE", "/api/v1/widget-keys/" + id, null);
        AdminApiFixture.Response missing = session.call("DELETE", "/api/v1/widget-keys/" + UUID.randomUUID(), null);

        assertThat(patch.status()).isEqualTo(404);
        assertThat(delete.status()).isEqualTo(404);
        assertThat(patch.body()).isEqualTo(missing.body());
        JsonNode stillThere = api.call("GET", "/api/v1/widget-keys", otherAccountToken, null, null).json().get(0);
        assertThat(stillThere.get("id").asText()).isEqualTo(id);
        assertThat(stillThere.get("disabled_at").isNull()).isTrue();
    }

    @Test
    void patch_publishesAnInvalidationWithTheNewVersion_andANoOpPublishesNothing() throws InterruptedException {
        String id = session.create("{\"name\":\"n\"}").get("id").asText();
        awaitInvalidation(id, 1);

        session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":true}");
        Invalidation first = awaitInvalidation(id, 2);
        session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":true}");
        session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":false}");
        Invalidation second = awaitInvalidation(id, 3);

        assertThat(first.version()).isEqualTo(2);
        // Had the repeated disable published, the re-enable would have announced version 4.
        assertThat(second.version()).isEqualTo(3);
    }

    // --- delete ---

    @Test
    void delete_ofANeverUsedKey_removesTheRow() throws InterruptedException {
        String id = session.create("{\"name\":\"n\"}").get("id").asText();
        awaitInvalidation(id, 1);

        AdminApiFixture.Response response = session.call("DELETE", "/api/v1/widget-keys/" + id, null);

        assertThat(response.status()).isEqualTo(204);
        assertThat(session.list()).isEmpty();
        assertThat(session.call("DELETE", "/api/v1/widget-keys/" + id, null).status()).isEqualTo(404);
        assertThat(session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"name\":\"x\"}").status()).isEqualTo(404);
        assertThat(awaitInvalidation(id, 2).version()).isEqualTo(2);
    }

    @Test
    void delete_ofAUsedKey_disablesIt_keepingTheRow_andARepeatKeepsTheFirstTimestamp() {
        String id = session.create("{\"name\":\"n\"}").get("id").asText();
        Instant usedAt = Instant.parse("2026-11-24T05:51:00.123Z");
        api.keys.recordUsage(UUID.fromString(id), usedAt).toCompletableFuture().join();

        assertThat(session.call("DELETE", "/api/v1/widget-keys/" + id, null).status()).isEqualTo(204);
        JsonNode key = session.listed(id);
        assertThat(key).isNotNull();
        assertThat(key.get("last_used_at").asText()).isEqualTo("2026-11-24T05:51:00.123Z");
        String disabledAt = key.get("disabled_at").asText();
        assertThat(Instant.parse(disabledAt)).isNotNull();

        assertThat(session.call("DELETE", "/api/v1/widget-keys/" + id, null).status()).isEqualTo(204);
        assertThat(session.listed(id).get("disabled_at").asText()).isEqualTo(disabledAt);
    }

    @Test
    void delete_ofAUsedKey_canBeUndoneByReEnabling() {
        String id = session.create("{\"name\":\"n\"}").get("id").asText();
        api.keys.recordUsage(UUID.fromString(id), Instant.now()).toCompletableFuture().join();
        session.call("DELETE", "/api/v1/widget-keys/" + id, null);

        assertThat(session.call("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":false}").status()).isEqualTo(204);

        assertThat(session.listed(id).get("disabled_at").isNull()).isTrue();
    }

    @Test
    void delete_ofAnUnknownId_is404() {
        AdminApiFixture.Response response = session.call("DELETE", "/api/v1/widget-keys/" + UUID.randomUUID(), null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("Widget key not found");
    }

    // --- the alias ---

    @Test
    void alias_servesAllFourCalls() {
        AdminApiFixture.Response created = session.call("POST", "/v1/widget-keys", "{\"name\":\"via alias\"}");
        String id = created.json().get("id").asText();

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/widget-keys/" + id);
        assertThat(session.call("GET", "/v1/widget-keys", null).json()).hasSize(1);
        assertThat(session.call("PATCH", "/v1/widget-keys/" + id, "{\"name\":\"renamed\"}").status()).isEqualTo(204);
        assertThat(session.call("DELETE", "/v1/widget-keys/" + id, null).status()).isEqualTo(204);
        assertThat(session.list()).isEmpty();
    }

    @Test
    void responses_areNotCacheable() {
        assertThat(session.call("GET", "/api/v1/widget-keys", null).header("Cache-Control")).isEqualTo("no-store");
        assertThat(session.call("POST", "/api/v1/widget-keys", "{\"name\":\"n\"}").header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void concurrentDisables_allSucceed_andTheFirstTimestampWins() {
        String id = session.create("{\"name\":\"n\"}").get("id").asText();
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(api.sendAsync(java.net.http.HttpRequest.newBuilder(api.adminUri("/api/v1/widget-keys/" + id))
                    .header("Authorization", "Bearer " + token).header("X-Account-ID", account)
                    .timeout(Duration.ofSeconds(20))
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(
                            i % 2 == 0 ? "{\"disabled\":true}" : "{\"name\":\"n" + i + "\"}"))
                    .build()));
        }

        calls.forEach(call -> assertThat(call.join().statusCode()).isEqualTo(204));
        JsonNode key = session.listed(id);
        assertThat(key.get("disabled_at").isNull()).isFalse();
    }
}
