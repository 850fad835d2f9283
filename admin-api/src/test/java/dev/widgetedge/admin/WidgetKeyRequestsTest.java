package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request bodies (docs/admin-api.md): every validation rule of create and update, without a server. */
class WidgetKeyRequestsTest {

    private static final String CREATE = "Invalid body or name required: ";
    private static final String UPDATE = "Invalid body: ";

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static final Instant NOW = Instant.parse("2026-11-24T05:51:00.123Z");

    private static KeySettings create(String json) {
        return WidgetKeyRequests.parseCreate(utf8(json), NOW);
    }

    private static WidgetKeyChanges update(String json) {
        return WidgetKeyRequests.parseUpdate(utf8(json), NOW);
    }

    /** The error create answers for {@code body}, asserting it is a 400 with create's sentence. */
    private static String createError(byte[] body) {
        ApiError error = catchThrowableOfType(ApiError.class, () -> WidgetKeyRequests.parseCreate(body, NOW));
        assertThat(error).as("parseCreate(%s) should fail", new String(body, StandardCharsets.UTF_8)).isNotNull();
        assertThat(error.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(error.getMessage()).startsWith(CREATE);
        return error.getMessage();
    }

    private static String createError(String json) {
        return createError(utf8(json));
    }

    /** The error update answers for {@code body}, asserting it is a 400 with update's sentence. */
    private static String updateError(byte[] body) {
        ApiError error = catchThrowableOfType(ApiError.class, () -> WidgetKeyRequests.parseUpdate(body, NOW));
        assertThat(error).as("parseUpdate(%s) should fail", new String(body, StandardCharsets.UTF_8)).isNotNull();
        assertThat(error.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(error.getMessage()).startsWith(UPDATE);
        return error.getMessage();
    }

    private static String updateError(String json) {
        return updateError(utf8(json));
    }

    private static String origins(int count) {
        return IntStream.range(0, count).mapToObj(i -> "\"https://o" + i + ".example\"")
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Nested
    class Name {

        @Test
        void missingName_isRequiredOnCreate() {
            assertThat(createError("{}")).isEqualTo(CREATE + "name is required");
        }

        @Test
        void nullName_isRequiredOnCreate() {
            assertThat(createError("{\"name\":null}")).isEqualTo(CREATE + "name is required");
        }

        @Test
        void name_isTrimmed() {
            assertThat(create("{\"name\":\"  \\t acme.com production \\n \"}").name())
                    .isEqualTo("acme.com production");
            assertThat(update("{\"name\":\"  renamed  \"}").name()).isEqualTo("renamed");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"\"", "\" \"", "\"\\t\\n \\r\""})
        void blankName_isRejectedOnCreateAndUpdate(String value) {
            assertThat(createError("{\"name\":" + value + "}"))
                    .isEqualTo(CREATE + "name must be 1-200 characters after trimming");
            assertThat(updateError("{\"name\":" + value + "}"))
                    .isEqualTo(UPDATE + "name must be 1-200 characters after trimming");
        }

        @Test
        void nameOf200CodePoints_isAccepted_and201IsNot() {
            assertThat(create("{\"name\":\"" + "n".repeat(200) + "\"}").name()).hasSize(200);
            assertThat(createError("{\"name\":\"" + "n".repeat(201) + "\"}"))
                    .isEqualTo(CREATE + "name must be 1-200 characters after trimming");
            assertThat(updateError("{\"name\":\"" + "n".repeat(201) + "\"}"))
                    .isEqualTo(UPDATE + "name must be 1-200 characters after trimming");
        }

        @Test
        void nameLength_countsCodePoints_notUtf16Units() {
            String emoji = "\uD83D\uDE80"; // one code point, two chars
            assertThat(create("{\"name\":\"" + emoji.repeat(200) + "\"}").name()).isEqualTo(emoji.repeat(200));
            assertThat(createError("{\"name\":\"" + emoji.repeat(201) + "\"}"))
                    .isEqualTo(CREATE + "name must be 1-200 characters after trimming");
        }

        @Test
        void nameLength_isMeasuredAfterTrimming() {
            String padded = " ".repeat(300) + "n".repeat(200) + " ".repeat(300);

            assertThat(create("{\"name\":\"" + padded + "\"}").name()).isEqualTo("n".repeat(200));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a\\u0000b", "a\\u0007b", "line\\nbreak", "tab\\tinside", "a\\u007fb", "a\\u0085b"})
        void nameWithAControlCharacter_isRejected(String value) {
            assertThat(createError("{\"name\":\"" + value + "\"}"))
                    .isEqualTo(CREATE + "name must not contain control characters");
            assertThat(updateError("{\"name\":\"" + value + "\"}"))
                    .isEqualTo(UPDATE + "name must not contain control characters");
        }

        @Test
        void nameWithNonAsciiText_isKeptAsIs() {
            assertThat(create("{\"name\":\"Bücher ÄÖÜ — 商店\"}").name()).isEqualTo("Bücher ÄÖÜ — 商店");
        }

        @ParameterizedTest
        @ValueSource(strings = {"42", "true", "[\"a\"]", "{\"a\":1}"})
        void nonStringName_isRejected(String value) {
            assertThat(createError("{\"name\":" + value + "}")).isEqualTo(CREATE + "name must be a string");
            assertThat(updateError("{\"name\":" + value + "}")).isEqualTo(UPDATE + "name must be a string");
        }

        @Test
        void nullName_onUpdate_isRejectedRatherThanIgnored() {
            assertThat(updateError("{\"name\":null}")).isEqualTo(UPDATE + "name must be a string");
        }

        @Test
        void absentName_onUpdate_keepsTheName() {
            assertThat(update("{\"disabled\":true}").name()).isNull();
        }
    }

    @Nested
    class AgentId {

        @Test
        void absentAgentId_onCreate_isNull() {
            assertThat(create("{\"name\":\"n\"}").agentId()).isNull();
        }

        @Test
        void nullAgentId_onCreate_isNull() {
            assertThat(create("{\"name\":\"n\",\"agent_id\":null}").agentId()).isNull();
        }

        @Test
        void nullAgentId_onUpdate_unpins_whileAbsentAgentId_keepsThePin() {
            WidgetKeyChanges unpin = update("{\"agent_id\":null}");
            WidgetKeyChanges keep = update("{\"name\":\"n\"}");

            assertThat(unpin.agentIdSet()).isTrue();
            assertThat(unpin.agentId()).isNull();
            assertThat(keep.agentIdSet()).isFalse();
            assertThat(keep.agentId()).isNull();
        }

        @Test
        void agentId_isKeptExactly() {
            String agent = "agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z-b";

            assertThat(create("{\"name\":\"n\",\"agent_id\":\"" + agent + "\"}").agentId()).isEqualTo(agent);
            WidgetKeyChanges changes = update("{\"agent_id\":\"" + agent + "\"}");
            assertThat(changes.agentIdSet()).isTrue();
            assertThat(changes.agentId()).isEqualTo(agent);
        }

        @Test
        void agentIdOf128Characters_isAccepted_and129IsNot() {
            assertThat(create("{\"name\":\"n\",\"agent_id\":\"" + "a".repeat(128) + "\"}").agentId()).hasSize(128);
            assertThat(createError("{\"name\":\"n\",\"agent_id\":\"" + "a".repeat(129) + "\"}"))
                    .isEqualTo(CREATE + "agent_id must be 1-128 characters of A-Z a-z 0-9 _ -");
            assertThat(updateError("{\"agent_id\":\"" + "a".repeat(129) + "\"}"))
                    .isEqualTo(UPDATE + "agent_id must be 1-128 characters of A-Z a-z 0-9 _ -");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "agent 1", "agent.1", "agent/1", "agent:1", "agentü", " agent", "agent\\n",
                "a+b", "a%20b"})
        void agentIdWithACharacterOutsideTheSet_isRejected(String value) {
            assertThat(createError("{\"name\":\"n\",\"agent_id\":\"" + value + "\"}"))
                    .isEqualTo(CREATE + "agent_id must be 1-128 characters of A-Z a-z 0-9 _ -");
            assertThat(updateError("{\"agent_id\":\"" + value + "\"}"))
                    .isEqualTo(UPDATE + "agent_id must be 1-128 characters of A-Z a-z 0-9 _ -");
        }

        @ParameterizedTest
        @ValueSource(strings = {"42", "false", "[]", "{}"})
        void nonStringAgentId_isRejected(String value) {
            assertThat(createError("{\"name\":\"n\",\"agent_id\":" + value + "}"))
                    .isEqualTo(CREATE + "agent_id must be a string or null");
            assertThat(updateError("{\"agent_id\":" + value + "}"))
                    .isEqualTo(UPDATE + "agent_id must be a string or null");
        }
    }

    @Nested
    class DomainAllowlist {

        @Test
        void absentAllowlist_onCreate_isEmpty_andOnUpdate_isLeftAsIs() {
            assertThat(create("{\"name\":\"n\"}").domainAllowlist()).isEmpty();
            assertThat(update("{\"name\":\"n\"}").domainAllowlist()).isNull();
        }

        @Test
        void emptyAllowlist_onUpdate_clearsTheList() {
            assertThat(update("{\"domain_allowlist\":[]}").domainAllowlist()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"https://acme.com\"", "{\"0\":\"https://acme.com\"}", "42", "true"})
        void nonArrayAllowlist_isRejected(String value) {
            assertThat(createError("{\"name\":\"n\",\"domain_allowlist\":" + value + "}"))
                    .isEqualTo(CREATE + "domain_allowlist must be an array of origins");
            assertThat(updateError("{\"domain_allowlist\":" + value + "}"))
                    .isEqualTo(UPDATE + "domain_allowlist must be an array of origins");
        }

        @ParameterizedTest
        @ValueSource(strings = {"42", "null", "[\"https://acme.com\"]", "{\"origin\":\"https://acme.com\"}", "true"})
        void nonStringEntry_isRejectedNamingItsIndex(String value) {
            String body = "{\"name\":\"n\",\"domain_allowlist\":[\"https://ok.example\"," + value + "]}";

            assertThat(createError(body)).isEqualTo(CREATE + "domain_allowlist[1] must be a string");
            assertThat(updateError("{\"domain_allowlist\":[\"https://ok.example\"," + value + "]}"))
                    .isEqualTo(UPDATE + "domain_allowlist[1] must be a string");
        }

        @Test
        void hundredEntries_areAccepted_andHundredAndOneAreNot() {
            assertThat(create("{\"name\":\"n\",\"domain_allowlist\":" + origins(100) + "}").domainAllowlist())
                    .hasSize(100);
            assertThat(update("{\"domain_allowlist\":" + origins(100) + "}").domainAllowlist()).hasSize(100);
            assertThat(createError("{\"name\":\"n\",\"domain_allowlist\":" + origins(101) + "}"))
                    .isEqualTo(CREATE + "domain_allowlist has 101 entries (at most 100)");
            assertThat(updateError("{\"domain_allowlist\":" + origins(101) + "}"))
                    .isEqualTo(UPDATE + "domain_allowlist has 101 entries (at most 100)");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "https://acme.com/path|has a path",
                "https://acme.com?q=1|has a query",
                "https://acme.com#frag|has a fragment",
                "https://user@acme.com|has userinfo",
                "acme.com|is not an origin (expected scheme://host[:port])",
                "ftp://acme.com|has an unsupported scheme (expected http or https)",
                "https://a.*.acme.com|has a wildcard that is not the leftmost label",
                "https://*|has a wildcard without a domain",
                "https://acme.com:99999|has an invalid port",
                "|is empty"})
        void invalidEntry_isRejected_withADetailNamingItsIndex(String entryAndPhrase) {
            String entry = entryAndPhrase.substring(0, entryAndPhrase.indexOf('|'));
            String phrase = entryAndPhrase.substring(entryAndPhrase.indexOf('|') + 1);
            String list = "[\"https://ok.example\",\"http://ok.example\",\"" + entry + "\"]";

            assertThat(createError("{\"name\":\"n\",\"domain_allowlist\":" + list + "}"))
                    .isEqualTo(CREATE + "domain_allowlist[2] " + phrase);
            assertThat(updateError("{\"domain_allowlist\":" + list + "}"))
                    .isEqualTo(UPDATE + "domain_allowlist[2] " + phrase);
        }

        @Test
        void invalidEntryDetail_doesNotEchoTheEntry() {
            String hostile = "https://acme.com/<script>alert(1)</script>";

            assertThat(createError("{\"name\":\"n\",\"domain_allowlist\":[\"" + hostile + "\"]}"))
                    .doesNotContain("<script>");
        }

        @Test
        void entries_areNormalized() {
            String list = "[\"HTTPS://WWW.Acme.COM:443/\",\"http://Localhost:80\",\"https://*.Acme.com\","
                    + "\"http://bücher.example\",\"https://shop.acme.com.\",\"http://acme.com:8080\"]";

            assertThat(create("{\"name\":\"n\",\"domain_allowlist\":" + list + "}").domainAllowlist())
                    .containsExactly("https://www.acme.com", "http://localhost", "https://*.acme.com",
                            "http://xn--bcher-kva.example", "https://shop.acme.com", "http://acme.com:8080");
            assertThat(update("{\"domain_allowlist\":" + list + "}").domainAllowlist())
                    .containsExactly("https://www.acme.com", "http://localhost", "https://*.acme.com",
                            "http://xn--bcher-kva.example", "https://shop.acme.com", "http://acme.com:8080");
        }

        @Test
        void duplicatesAfterNormalization_areDropped_keepingTheFirstPosition() {
            String list = "[\"https://b.example\",\"https://acme.com\",\"HTTPS://ACME.COM:443\",\"https://acme.com/\","
                    + "\"https://B.example\",\"http://acme.com\"]";

            assertThat(create("{\"name\":\"n\",\"domain_allowlist\":" + list + "}").domainAllowlist())
                    .containsExactly("https://b.example", "https://acme.com", "http://acme.com");
        }
    }

    @Nested
    class Limits {

        @Test
        void absentRateLimits_onCreate_areTheGatewayDefaults_andOnUpdate_areLeftAsIs() {
            assertThat(create("{\"name\":\"n\"}").rateLimits()).isEqualTo(RateLimits.DEFAULTS);
            assertThat(update("{\"name\":\"n\"}").rateLimits()).isNull();
        }

        @Test
        void rateLimits_areReadOnCreateAndUpdate() {
            String body = "{\"name\":\"n\",\"rate_limits\":{\"per_client_per_minute\":120,\"per_key_per_minute\":6000}}";
            assertThat(create(body).rateLimits()).isEqualTo(new RateLimits(120, 6000));
            assertThat(update(body).rateLimits()).isEqualTo(new RateLimits(120, 6000));
        }

        @Test
        void theObjectReplacesBothLimits_aLimitLeftOutOrNullIsTheDefault() {
            assertThat(update("{\"rate_limits\":{\"per_key_per_minute\":10}}").rateLimits())
                    .isEqualTo(new RateLimits(null, 10));
            assertThat(update("{\"rate_limits\":{\"per_client_per_minute\":5,\"per_key_per_minute\":null}}")
                    .rateLimits()).isEqualTo(new RateLimits(5, null));
            assertThat(update("{\"rate_limits\":{}}").rateLimits()).isEqualTo(RateLimits.DEFAULTS);
        }

        @Test
        void nullRateLimits_returnBothToTheDefaults() {
            assertThat(create("{\"name\":\"n\",\"rate_limits\":null}").rateLimits()).isEqualTo(RateLimits.DEFAULTS);
            assertThat(update("{\"rate_limits\":null}").rateLimits()).isEqualTo(RateLimits.DEFAULTS);
        }

        @Test
        void theBoundsOfALimit_areAccepted() {
            assertThat(update("{\"rate_limits\":{\"per_client_per_minute\":1,\"per_key_per_minute\":1000000}}")
                    .rateLimits()).isEqualTo(new RateLimits(1, 1_000_000));
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1000001", "2147483648", "1.5", "1e3", "\"10\"", "true", "[]", "{}"})
        void limitOutOfRangeOrNotAnInteger_isRejected_namingIt(String value) {
            for (String limit : List.of("per_client_per_minute", "per_key_per_minute")) {
                createAndUpdateRefuse("\"rate_limits\":{\"" + limit + "\":" + value + "}",
                        "rate_limits." + limit + " must be an integer 1-1000000 or null");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"10", "\"default\"", "[]", "true"})
        void rateLimitsThatAreNotAnObject_areRejected(String value) {
            createAndUpdateRefuse("\"rate_limits\":" + value, "rate_limits must be an object or null");
        }

        @Test
        void aMisspeltLimit_isRejected_ratherThanResettingTheRealOneUnseen() {
            createAndUpdateRefuse("\"rate_limits\":{\"per_client_per_min\":10}",
                    "rate_limits has an unknown field (expected per_client_per_minute, per_key_per_minute)");
        }

        /** Both create (with a name) and update refuse a body with {@code field} with {@code detail}. */
        private void createAndUpdateRefuse(String field, String detail) {
            assertThat(createError("{\"name\":\"n\"," + field + "}")).isEqualTo(CREATE + detail);
            assertThat(updateError("{" + field + "}")).isEqualTo(UPDATE + detail);
        }
    }

    @Nested
    class Disabled {

        @Test
        void disabledTrueAndFalse_areReadOnUpdate() {
            assertThat(update("{\"disabled\":true}").disabled()).isTrue();
            assertThat(update("{\"disabled\":false}").disabled()).isFalse();
            assertThat(update("{\"name\":\"n\"}").disabled()).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"true\"", "1", "0", "null", "[]", "{}"})
        void nonBooleanDisabled_isRejected(String value) {
            assertThat(updateError("{\"disabled\":" + value + "}"))
                    .isEqualTo(UPDATE + "disabled must be true or false");
        }
    }

    @Nested
    class BodyShape {

        @Test
        void emptyBody_isRejected() {
            assertThat(createError(new byte[0])).isEqualTo(CREATE + "body is empty (expected a JSON object)");
            assertThat(updateError(new byte[0])).isEqualTo(UPDATE + "body is empty (expected a JSON object)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"name\":\"n\"}]", "\"name\"", "42", "true", "null", " ", "\n"})
        void nonObjectJson_isRejected(String json) {
            assertThat(createError(json)).isEqualTo(CREATE + "body must be a JSON object");
            assertThat(updateError(json)).isEqualTo(UPDATE + "body must be a JSON object");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{", "{\"name\":}", "{name:\"n\"}", "{'name':'n'}", "{\"name\":\"n\",}",
                "not json", "{\"name\":\"n\"} // comment"})
        void malformedJson_isRejected(String json) {
            assertThat(createError(json)).startsWith(CREATE + "malformed JSON");
            assertThat(updateError(json)).startsWith(UPDATE + "malformed JSON");
        }

        @Test
        void duplicateKeys_areRejected_ratherThanLastOneWins() {
            assertThat(createError("{\"name\":\"first\",\"name\":\"second\"}")).startsWith(CREATE + "malformed JSON");
            assertThat(updateError("{\"disabled\":false,\"disabled\":true}")).startsWith(UPDATE + "malformed JSON");
        }

        @Test
        void duplicateKeys_inAnIgnoredNestedObject_areRejectedToo() {
            assertThat(createError("{\"name\":\"n\",\"meta\":{\"a\":1,\"a\":2}}"))
                    .startsWith(CREATE + "malformed JSON");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"name\":\"n\"} {}", "{\"name\":\"n\"}{\"name\":\"m\"}", "{\"name\":\"n\"} 42",
                "{\"name\":\"n\"} x", "{\"name\":\"n\"}]"})
        void trailingTokens_areRejected(String json) {
            assertThat(createError(json)).startsWith(CREATE + "malformed JSON");
            assertThat(updateError(json.replace("\"name\":\"n\"", "\"disabled\":true")))
                    .startsWith(UPDATE + "malformed JSON");
        }

        @Test
        void trailingWhitespace_isAccepted() {
            assertThat(create("  {\"name\":\"n\"} \r\n\t").name()).isEqualTo("n");
        }

        @Test
        void malformedJsonDetail_saysWhere() {
            assertThat(createError("{\n\"name\": }")).matches(
                    "Invalid body or name required: malformed JSON at line 2, column \\d+");
        }

        @Test
        void invalidUtf8_isRejected() {
            byte[] loneContinuation = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0x80, '"', '}'};
            byte[] invalidStart = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, '"', '}'};
            byte[] truncated = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xe2, (byte) 0x82, '"', '}'};

            assertThat(createError(loneContinuation)).isEqualTo(CREATE + "body is not UTF-8 (invalid byte at offset 9)");
            assertThat(createError(invalidStart)).isEqualTo(CREATE + "body is not UTF-8 (invalid byte at offset 9)");
            assertThat(createError(truncated)).isEqualTo(CREATE + "body is not UTF-8 (invalid byte at offset 9)");
            assertThat(updateError(invalidStart)).isEqualTo(UPDATE + "body is not UTF-8 (invalid byte at offset 9)");
        }

        @Test
        void deeplyNestedUnknownField_isA400_notACrash() {
            String nested = "[".repeat(20_000) + "]".repeat(20_000);

            assertThat(createError("{\"name\":\"n\",\"x\":" + nested + "}")).startsWith(CREATE + "malformed JSON");
        }

        @Test
        void serverSetAndUnknownFields_areIgnoredOnCreate() {
            KeySettings parsed = create("{\"name\":\"n\","
                    + "\"id\":\"0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e\",\"account_id\":\"acct_evil\","
                    + "\"created_at\":\"2000-01-01T00:00:00.000Z\",\"updated_at\":42,\"disabled_at\":\"x\","
                    + "\"last_used_at\":[1],\"key\":\"pk_live_x\",\"key_last8\":{\"a\":1},"
                    + "\"disabled\":\"not even a boolean\","
                    + "\"rotated_from\":\"x\",\"replaced_by\":7,\"colour\":\"blue\",\"nested\":{\"deep\":[1,2,3]}}");

            assertThat(parsed).isEqualTo(KeySettings.of("n", null, List.of()));
        }

        @Test
        void serverSetAndUnknownFields_areIgnoredOnUpdate() {
            WidgetKeyChanges parsed = update("{\"id\":\"0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e\","
                    + "\"account_id\":\"acct_evil\",\"created_at\":null,\"updated_at\":\"2000-01-01T00:00:00.000Z\","
                    + "\"disabled_at\":\"2000-01-01T00:00:00.000Z\",\"last_used_at\":null,\"key\":\"pk_live_x\","
                    + "\"key_last8\":\"abcdefgh\",\"colour\":\"blue\"}");

            assertThat(parsed).isEqualTo(WidgetKeyChanges.builder().build());
        }

        @Test
        void emptyPatch_isANoChange() {
            WidgetKeyChanges changes = update("{}");
            Instant created = Instant.parse("2026-11-24T05:51:00.123Z");
            WidgetKey key = WidgetKey.created(UUID.randomUUID(), "acct_1", "x3Kq9ZpA",
                    KeySettings.of("n", "agent_1", List.of("https://acme.com")), created, null);

            assertThat(changes).isEqualTo(WidgetKeyChanges.builder().build());
            assertThat(key.apply(changes, created.plusSeconds(60))).isSameAs(key);
        }
    }
}
