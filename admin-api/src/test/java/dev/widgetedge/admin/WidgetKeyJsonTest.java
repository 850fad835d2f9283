package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widgetedge.core.widget.KeyMode;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.core.widget.WidgetKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code WidgetKey} and {@code CreatedWidgetKey} as JSON (docs/admin-api.md): field order, nulls, timestamps,
 * lifecycle fields. */
class WidgetKeyJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SPEC_EXAMPLE = "{"
            + "\"id\":\"0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e\","
            + "\"account_id\":\"acct_123\","
            + "\"name\":\"acme.com production\","
            + "\"agent_id\":\"agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z\","
            + "\"domain_allowlist\":[\"https://acme.com\",\"https://www.acme.com\"],"
            + "\"key_last8\":\"x3Kq9ZpA\","
            + "\"created_at\":\"2026-11-24T05:51:00.123Z\","
            + "\"updated_at\":\"2026-11-24T05:51:00.123Z\","
            + "\"disabled_at\":null,"
            + "\"last_used_at\":null,"
            + "\"expires_at\":null,"
            + "\"mode\":\"enforce\","
            + "\"rate_limits\":{\"per_client_per_minute\":null,\"per_key_per_minute\":null},"
            + "\"rotated_from\":null,"
            + "\"replaced_by\":null"
            + "}";

    /** The seed's fields in the seed's order, then the lifecycle fields. */
    private static final List<String> SPEC_FIELD_ORDER = List.of("id", "account_id", "name", "agent_id",
            "domain_allowlist", "key_last8", "created_at", "updated_at", "disabled_at", "last_used_at",
            "expires_at", "mode", "rate_limits", "rotated_from", "replaced_by");

    private static final String PLAINTEXT = "pk_live_ZlV9vZQvUdhbjGIBE6rR0S90Vbn3nJ24A67T";

    private static WidgetKey specExample() {
        Instant at = Instant.parse("2026-11-24T05:51:00.123Z");
        return WidgetKey.created(UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"), "acct_123", "x3Kq9ZpA",
                KeySettings.of("acme.com production", "agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z",
                        List.of("https://acme.com", "https://www.acme.com")), at, null);
    }

    private static WidgetKey withTimes(Instant created, Instant updated, Instant disabled, Instant lastUsed) {
        return new WidgetKey(UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"), "acct_123", "x3Kq9ZpA",
                KeySettings.of("n", null, List.of()), created, updated, disabled, lastUsed, null, null);
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] json) throws IOException {
        return JSON.readTree(json);
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void list_ofTheSpecExample_isExactlyTheSpecsJson() {
        assertThat(text(WidgetKeyJson.list(List.of(specExample())))).isEqualTo("[" + SPEC_EXAMPLE + "]");
    }

    @Test
    void created_ofTheSpecExample_isTheSpecsJsonWithTheKeyLast() {
        String expected = SPEC_EXAMPLE.substring(0, SPEC_EXAMPLE.length() - 1) + ",\"key\":\"" + PLAINTEXT + "\"}";

        assertThat(text(WidgetKeyJson.created(specExample(), PLAINTEXT))).isEqualTo(expected);
    }

    @Test
    void list_ofNoKeys_isAnEmptyArray() {
        assertThat(text(WidgetKeyJson.list(List.of()))).isEqualTo("[]");
    }

    @Test
    void list_keepsTheGivenOrder_andHasTheSpecsFieldOrderForEveryKey() throws IOException {
        WidgetKey first = specExample();
        WidgetKey second = withTimes(Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH);

        JsonNode listed = parse(WidgetKeyJson.list(List.of(second, first)));

        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("name").asText()).isEqualTo("n");
        assertThat(listed.get(1).get("name").asText()).isEqualTo("acme.com production");
        listed.forEach(key -> assertThat(fieldNames(key)).isEqualTo(SPEC_FIELD_ORDER));
    }

    @Test
    void key_appearsOnlyInCreated() throws IOException {
        JsonNode listed = parse(WidgetKeyJson.list(List.of(specExample()))).get(0);
        JsonNode created = parse(WidgetKeyJson.created(specExample(), PLAINTEXT));

        assertThat(listed.has("key")).isFalse();
        assertThat(created.get("key").asText()).isEqualTo(PLAINTEXT);
        List<String> createdOrder = new ArrayList<>(SPEC_FIELD_ORDER);
        createdOrder.add("key");
        assertThat(fieldNames(created)).isEqualTo(createdOrder);
    }

    @Test
    void lifecycleFields_showExpiryModeAndBothRotationLinks() throws IOException {
        UUID from = UUID.fromString("11111111-2222-8333-8444-555555555555");
        UUID to = UUID.fromString("66666666-7777-8888-8999-aaaaaaaaaaaa");
        WidgetKey rotated = new WidgetKey(UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"), "acct_123",
                "x3Kq9ZpA", KeySettings.of("n", null, List.of()).withMode(KeyMode.REPORT)
                        .withExpiresAt(Instant.parse("2026-12-24T00:00:00Z")),
                Instant.EPOCH, Instant.EPOCH, null, null, from, to);

        JsonNode json = parse(WidgetKeyJson.list(List.of(rotated))).get(0);

        assertThat(json.get("expires_at").asText()).isEqualTo("2026-12-24T00:00:00.000Z");
        assertThat(json.get("mode").asText()).isEqualTo("report");
        assertThat(json.get("rotated_from").asText()).isEqualTo(from.toString());
        assertThat(json.get("replaced_by").asText()).isEqualTo(to.toString());
    }

    @Test
    void rateLimits_areAlwaysAnObjectWithBothLimits_ownOrNull() throws IOException {
        WidgetKey limited = withTimes(Instant.EPOCH, Instant.EPOCH, null, null);
        limited = new WidgetKey(limited.id(), limited.accountId(), limited.keyLast8(),
                limited.settings().withRateLimits(new RateLimits(120, null)), Instant.EPOCH, Instant.EPOCH, null, null,
                null, null);

        JsonNode json = parse(WidgetKeyJson.list(List.of(limited))).get(0);

        assertThat(json.get("rate_limits").toString()).isEqualTo("{\"per_client_per_minute\":120,\"per_key_per_minute\":null}");
    }

    @Test
    void nullableFields_areExplicitNulls_notOmitted() {
        String json = text(WidgetKeyJson.list(List.of(withTimes(Instant.EPOCH, Instant.EPOCH, null, null))));

        assertThat(json).contains("\"agent_id\":null", "\"disabled_at\":null", "\"last_used_at\":null");
    }

    @Test
    void emptyAllowlist_isAnEmptyArray_notNull() {
        String json = text(WidgetKeyJson.list(List.of(withTimes(Instant.EPOCH, Instant.EPOCH, null, null))));

        assertThat(json).contains("\"domain_allowlist\":[]");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2026-11-24T05:51:00Z, 2026-11-24T05:51:00.000Z",
            "2026-11-24T05:51:00.100Z, 2026-11-24T05:51:00.100Z",
            "2026-11-24T05:51:00.120Z, 2026-11-24T05:51:00.120Z",
            "2026-11-24T05:51:00.123Z, 2026-11-24T05:51:00.123Z",
            "2026-11-24T05:51:00.123456789Z, 2026-11-24T05:51:00.123Z",
            "2026-11-24T05:51:59.999999999Z, 2026-11-24T05:51:59.999Z",
            "1970-01-01T00:00:00Z, 1970-01-01T00:00:00.000Z",
            "2026-01-02T03:04:05.006Z, 2026-01-02T03:04:05.006Z"})
    void timestamps_areUtcWithExactlyThreeFractionalDigits(String instant, String rendered) {
        assertThat(WidgetKeyJson.timestamp(Instant.parse(instant))).isEqualTo(rendered);
    }

    @Test
    void everyTimestampField_usesTheMillisecondFormat() throws IOException {
        Instant whole = Instant.parse("2026-11-24T05:51:00Z");

        JsonNode key = parse(WidgetKeyJson.list(List.of(withTimes(whole, whole, whole, whole)))).get(0);

        for (String field : List.of("created_at", "updated_at", "disabled_at", "last_used_at")) {
            assertThat(key.get(field).asText()).as(field).isEqualTo("2026-11-24T05:51:00.000Z");
        }
    }

    @Test
    void distinctTimestamps_landInTheirOwnFields() throws IOException {
        JsonNode key = parse(WidgetKeyJson.list(List.of(withTimes(Instant.parse("2026-01-01T00:00:00.001Z"),
                Instant.parse("2026-01-01T00:00:00.002Z"), Instant.parse("2026-01-01T00:00:00.003Z"),
                Instant.parse("2026-01-01T00:00:00.004Z"))))).get(0);

        assertThat(key.get("created_at").asText()).isEqualTo("2026-01-01T00:00:00.001Z");
        assertThat(key.get("updated_at").asText()).isEqualTo("2026-01-01T00:00:00.002Z");
        assertThat(key.get("disabled_at").asText()).isEqualTo("2026-01-01T00:00:00.003Z");
        assertThat(key.get("last_used_at").asText()).isEqualTo("2026-01-01T00:00:00.004Z");
    }

    @Test
    void textFields_areEscapedAndRoundTrip() throws IOException {
        String name = "quote \" backslash \\ </script> \u2028 Bücher 商店 \uD83D\uDE80";
        WidgetKey key = WidgetKey.created(UUID.randomUUID(), "acct_1", "x3Kq9ZpA",
                KeySettings.of(name, null, List.of()), Instant.EPOCH, null);

        JsonNode parsed = parse(WidgetKeyJson.list(List.of(key))).get(0);

        assertThat(parsed.get("name").asText()).isEqualTo(name);
    }

    @Test
    void output_isUtf8() {
        WidgetKey key = WidgetKey.created(UUID.randomUUID(), "acct_1", "x3Kq9ZpA",
                KeySettings.of("Bücher", null, List.of()), Instant.EPOCH, null);

        assertThat(text(WidgetKeyJson.list(List.of(key)))).contains("\"name\":\"Bücher\"");
    }
}
