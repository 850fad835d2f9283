package dev.widgetedge.admin;

import static dev.widgetedge.admin.OpenApiContract.assertRequestSchemaAccepts;
import static dev.widgetedge.admin.OpenApiContract.assertResponseAndHeadersMatch;
import static dev.widgetedge.admin.OpenApiContract.assertRequestSchemaRejects;
import static dev.widgetedge.admin.OpenApiContract.assertResponseMatches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OpenApiContractTest {

    private static final String KEYS = "/api/v1/widget-keys";
    private static final String KEY = "/api/v1/widget-keys/{id}";
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void the_document_parses_and_is_openapi_3_1_0_with_the_json_schema_2020_12_dialect() {
        JsonNode document = OpenApiContract.document();

        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.path("jsonSchemaDialect").asText())
                .isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(document.path("components").path("schemas").has("WidgetKey")).isTrue();
    }

    @Test
    void every_ref_in_the_document_resolves() {
        JsonNode document = OpenApiContract.document();
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);

        assertThat(refs).isNotEmpty().allSatisfy(ref -> assertThat(ref).startsWith("#/"));
        assertThat(refs).filteredOn(ref -> document.at(ref.substring(1)).isMissingNode())
                .as("$refs that point at nothing").isEmpty();
    }

    @Test
    void every_example_in_the_document_satisfies_its_schema() {
        JsonNode document = OpenApiContract.document();
        List<String> checked = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            JsonNode operation = op.getValue();
            String call = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            JsonNode requestBody = operation.path("requestBody").path("content").path(JSON);
            String schemaRef = requestBody.path("schema").path("$ref").asText();
            requestBody.path("examples").forEach(example -> {
                assertRequestSchemaAccepts(schemaRef.substring(schemaRef.lastIndexOf('/') + 1),
                        example.path("value").toString());
                checked.add(call + " request");
            });
            operation.path("responses").properties().forEach(status -> {
                JsonNode response = status.getValue().has("$ref")
                        ? document.at(status.getValue().path("$ref").asText().substring(1))
                        : status.getValue();
                response.path("content").properties().forEach(media -> {
                    List<JsonNode> examples = new ArrayList<>();
                    media.getValue().path("examples").forEach(example -> examples.add(example.path("value")));
                    if (media.getValue().has("example")) {
                        examples.add(media.getValue().path("example"));
                    }
                    for (JsonNode example : examples) {
                        String body = example.isTextual() ? example.asText() : example.toString();
                        assertResponseMatches(op.getKey(), path.getKey(), Integer.parseInt(status.getKey()),
                                media.getKey(), body);
                        checked.add(call + " " + status.getKey());
                    }
                });
            });
        }));

        assertThat(checked).contains("GET /api/v1/widget-keys 200", "POST /api/v1/widget-keys 201",
                "POST /api/v1/widget-keys request", "PATCH /api/v1/widget-keys/{id} request",
                "DELETE /api/v1/widget-keys/{id} 404");
    }

    @Test
    void a_valid_widget_key_list_passes() {
        String body = array(widgetKey(), widgetKey().put("agent_id", (String) null)
                .put("last_used_at", "2026-11-24T06:00:00.000Z")).toString();

        assertThatCode(() -> assertResponseMatches("GET", KEYS, 200, JSON, body)).doesNotThrowAnyException();
        assertThatCode(() -> assertResponseMatches("get", KEYS, 200, "application/json; charset=utf-8", "[]"))
                .doesNotThrowAnyException();
    }

    @Test
    void a_list_item_without_key_last8_fails() {
        ObjectNode item = widgetKey();
        item.remove("key_last8");

        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 200, JSON, array(item).toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /api/v1/widget-keys → 200")
                .hasMessageContaining("body/0: required property 'key_last8'");
    }

    @Test
    void a_list_item_with_an_extra_field_fails() {
        ObjectNode item = widgetKey().put("key", "pk_live_ZlV9vZQvUdhbjGIBE6rR0S90Vbn3nJ24A67T");

        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 200, JSON, array(item).toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("body/0: property 'key'");
    }

    @Test
    void a_list_item_whose_created_at_is_not_a_date_time_fails() {
        ObjectNode words = widgetKey().put("created_at", "yesterday");
        ObjectNode thirteenthMonth = widgetKey().put("created_at", "2026-13-24T05:51:00.123Z");

        assertListItemFails(words, "body/0/created_at:");
        assertListItemFails(thirteenthMonth, "body/0/created_at: does not match the date-time pattern");
    }

    /** A list holding {@code item} fails the list's 200 schema with a message containing {@code expected}. */
    private void assertListItemFails(ObjectNode item, String expected) {
        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 200, JSON, array(item).toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(expected);
    }

    @Test
    void a_list_item_whose_timestamp_lacks_milliseconds_fails() {
        ObjectNode item = widgetKey().put("updated_at", "2026-11-24T05:51:00Z");

        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 200, JSON, array(item).toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("body/0/updated_at:");
    }

    @Test
    void a_list_item_whose_id_is_not_a_uuid_fails() {
        ObjectNode item = widgetKey().put("id", "key-1");

        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 200, JSON, array(item).toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("body/0/id:");
    }

    @Test
    void a_list_item_whose_rate_limits_are_incomplete_or_out_of_range_fails() {
        ObjectNode missing = widgetKey();
        ((ObjectNode) missing.get("rate_limits")).remove("per_key_per_minute");
        ObjectNode zero = widgetKey();
        ((ObjectNode) zero.get("rate_limits")).put("per_client_per_minute", 0);

        assertListItemFails(missing, "body/0/rate_limits: required property 'per_key_per_minute'");
        assertListItemFails(zero, "body/0/rate_limits/per_client_per_minute:");
    }

    @Test
    void a_body_that_is_not_json_on_a_json_response_fails() {
        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 200, JSON, "OK"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void a_201_with_a_created_widget_key_passes() {
        String body = createdWidgetKey().toString();

        assertThatCode(() -> assertResponseMatches("POST", KEYS, 201, JSON, body)).doesNotThrowAnyException();
    }

    @Test
    void a_created_widget_key_without_key_fails() {
        ObjectNode created = createdWidgetKey();
        created.remove("key");

        assertThatThrownBy(() -> assertResponseMatches("POST", KEYS, 201, JSON, created.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("body: required property 'key'");
    }

    @Test
    void a_created_widget_key_whose_key_is_not_a_pk_live_key_fails() {
        ObjectNode created = createdWidgetKey().put("key", "sk_live_ZlV9vZQvUdhbjGIBE6rR0S90Vbn3nJ24A67T");

        assertThatThrownBy(() -> assertResponseMatches("POST", KEYS, 201, JSON, created.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("body/key:");
    }

    @Test
    void an_undocumented_status_fails() {
        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 418, TEXT, "I'm a teapot"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /api/v1/widget-keys → 418 is not documented")
                .hasMessageContaining("documented statuses: [200, 400, 401, 403, 413, 500]");
    }

    @Test
    void an_undocumented_operation_or_path_fails() {
        assertThatThrownBy(() -> assertResponseMatches("PUT", KEY, 204, null, ""))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("PUT /api/v1/widget-keys/{id} is not documented")
                .hasMessageContaining("documented methods: [DELETE, PATCH]");
        assertThatThrownBy(() -> assertResponseMatches("GET", "/api/v2/widget-keys", 200, JSON, "[]"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Path /api/v2/widget-keys is not documented");
    }

    @Test
    void an_empty_204_passes_and_a_204_with_a_body_fails() {
        assertThatCode(() -> assertResponseMatches("PATCH", KEY, 204, null, "")).doesNotThrowAnyException();
        assertThatCode(() -> assertResponseMatches("DELETE", KEY, 204, null, null)).doesNotThrowAnyException();

        assertThatThrownBy(() -> assertResponseMatches("DELETE", KEY, 204, JSON, "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("DELETE /api/v1/widget-keys/{id} → 204 is documented without a body");
    }

    @Test
    void a_text_plain_401_passes_with_or_without_a_detail() {
        assertThatCode(() -> assertResponseMatches("GET", KEYS, 401, TEXT, "Missing or invalid bearer token"))
                .doesNotThrowAnyException();
        assertThatCode(() -> assertResponseMatches("PATCH", KEY, 401, "text/plain",
                "Missing or invalid bearer token: token revoked")).doesNotThrowAnyException();
    }

    @Test
    void an_error_body_that_does_not_start_with_the_seed_sentence_fails() {
        assertThatThrownBy(() -> assertResponseMatches("DELETE", KEY, 404, TEXT, "Not Found"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("^Widget key not found");
        assertThatThrownBy(() -> assertResponseMatches("PATCH", KEY, 400, TEXT, "Invalid bodyguard"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("^(Missing X-Account-ID header|Invalid X-Account-ID header|Invalid body)");
    }

    @Test
    void each_operation_accepts_its_own_400_sentences_only() {
        assertThatCode(() -> {
            assertResponseMatches("POST", KEYS, 400, TEXT, "Invalid body or name required");
            assertResponseMatches("POST", KEYS, 400, TEXT, "Missing X-Account-ID header");
            assertResponseMatches("PATCH", KEY, 400, TEXT, "Invalid body: domain_allowlist[1] has a path");
            assertResponseMatches("GET", KEYS, 400, TEXT, "Missing X-Account-ID header");
        }).doesNotThrowAnyException();

        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 400, TEXT, "Invalid body"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("^(Missing X-Account-ID header|Invalid X-Account-ID header)");
    }

    @Test
    void json_on_a_text_plain_response_fails() {
        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 401, JSON,
                "{\"error\":\"Missing or invalid bearer token\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("has media type application/json, which is not documented")
                .hasMessageContaining("text/plain; charset=utf-8");
    }

    @Test
    void a_response_without_a_content_type_fails_where_a_body_is_documented() {
        assertThatThrownBy(() -> assertResponseMatches("GET", KEYS, 500, null, "Database error"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("has no Content-Type");
    }

    @Test
    void the_alias_path_is_checked_like_the_path_it_aliases() {
        assertThatCode(() -> assertResponseMatches("GET", "/v1/widget-keys", 200, JSON, array(widgetKey()).toString()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> assertResponseMatches("PATCH", "/v1/widget-keys/{id}", 200, JSON, "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("PATCH /v1/widget-keys/{id} → 200 is not documented");
    }

    @Test
    void a_response_with_the_documented_headers_passes() {
        Map<String, List<String>> headers = headers(TEXT, "WWW-Authenticate", "Bearer realm=\"widget-edge\"");

        assertThatCode(() -> assertResponseAndHeadersMatch("GET", KEYS, 401, headers, "Missing or invalid bearer token"))
                .doesNotThrowAnyException();
    }

    @Test
    void a_missing_required_header_or_a_wrong_value_fails() {
        Map<String, List<String>> noChallenge = headers(TEXT);
        Map<String, List<String>> cacheable = headers(JSON, "Cache-Control", "max-age=60");

        assertThatThrownBy(() -> assertResponseAndHeadersMatch("GET", KEYS, 401, noChallenge, "Missing or invalid bearer token"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("WWW-Authenticate is required but missing");
        assertThatThrownBy(() -> assertResponseAndHeadersMatch("GET", KEYS, 200, cacheable, "[]"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cache-Control: value: must be the constant value 'no-store'");
    }

    @Test
    void a_405_is_checked_against_the_shared_response_and_its_allow_against_the_path() {
        Map<String, List<String>> right = headers(TEXT, "Allow", "DELETE, PATCH");
        Map<String, List<String>> wrong = headers(TEXT, "Allow", "GET, POST");

        assertThatCode(() -> assertResponseAndHeadersMatch("PUT", KEY, 405, right, "Method not allowed"))
                .doesNotThrowAnyException();
        assertThatCode(() -> assertResponseAndHeadersMatch("HEAD", KEY, 405, right, "")).doesNotThrowAnyException();
        assertThatThrownBy(() -> assertResponseAndHeadersMatch("PUT", KEY, 405, wrong, "Method not allowed"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Allow is [GET, POST], but the path documents DELETE, PATCH");
        assertThatThrownBy(() -> assertResponseAndHeadersMatch("PUT", KEY, 405, right, "Nope"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("^Method not allowed$");
    }

    @Test
    void the_served_document_matches_its_own_description() {
        String body = OpenApiContract.document().toString();

        assertThatCode(() -> assertResponseMatches("GET", "/api/v1/openapi.json", 200, JSON, body))
                .doesNotThrowAnyException();
    }

    @Test
    void the_create_request_schema_requires_a_name_and_ignores_unknown_fields() {
        assertRequestSchemaAccepts("CreateWidgetKeyRequest", "{\"name\":\"acme.com production\"}");
        assertRequestSchemaAccepts("CreateWidgetKeyRequest",
                "{\"name\":\"x\",\"agent_id\":null,\"id\":\"ignored\",\"colour\":\"blue\"}");

        assertRequestSchemaRejects("CreateWidgetKeyRequest", "{}");
        assertRequestSchemaRejects("CreateWidgetKeyRequest", "{\"name\":\"\"}");
        assertRequestSchemaRejects("CreateWidgetKeyRequest", "{\"name\":\"" + "n".repeat(201) + "\"}");
        assertRequestSchemaRejects("CreateWidgetKeyRequest", "{\"name\":\"x\",\"agent_id\":\"agent 1\"}");
        assertRequestSchemaRejects("CreateWidgetKeyRequest", "[]");
    }

    @Test
    void the_create_request_schema_caps_the_allowlist_at_100_entries() {
        ArrayNode allowlist = mapper.createArrayNode();
        for (int i = 0; i < 100; i++) {
            allowlist.add("https://site" + i + ".example");
        }
        ObjectNode request = mapper.createObjectNode().put("name", "many");
        request.set("domain_allowlist", allowlist);
        assertRequestSchemaAccepts("CreateWidgetKeyRequest", request.toString());

        allowlist.add("https://one-too-many.example");
        assertRequestSchemaRejects("CreateWidgetKeyRequest", request.toString());
    }

    @Test
    void the_update_request_schema_makes_every_field_optional() {
        assertRequestSchemaAccepts("UpdateWidgetKeyRequest", "{}");
        assertRequestSchemaAccepts("UpdateWidgetKeyRequest", "{\"disabled\":true,\"agent_id\":null}");

        assertRequestSchemaRejects("UpdateWidgetKeyRequest", "{\"disabled\":\"yes\"}");
        assertRequestSchemaRejects("UpdateWidgetKeyRequest", "{\"domain_allowlist\":\"https://acme.com\"}");
    }

    @Test
    void the_request_schemas_take_rate_limits_as_the_server_does() {
        for (String schema : List.of("CreateWidgetKeyRequest", "UpdateWidgetKeyRequest")) {
            assertRequestSchemaAccepts(schema, "{\"name\":\"x\",\"rate_limits\":null}");
            assertRequestSchemaAccepts(schema, "{\"name\":\"x\",\"rate_limits\":{}}");
            assertRequestSchemaAccepts(schema,
                    "{\"name\":\"x\",\"rate_limits\":{\"per_client_per_minute\":1,\"per_key_per_minute\":1000000}}");
            assertRequestSchemaAccepts(schema, "{\"name\":\"x\",\"rate_limits\":{\"per_key_per_minute\":null}}");

            assertRequestSchemaRejects(schema, "{\"name\":\"x\",\"rate_limits\":{\"per_client_per_minute\":0}}");
            assertRequestSchemaRejects(schema, "{\"name\":\"x\",\"rate_limits\":{\"per_key_per_minute\":1000001}}");
            assertRequestSchemaRejects(schema, "{\"name\":\"x\",\"rate_limits\":{\"per_key_per_minute\":1.5}}");
            assertRequestSchemaRejects(schema, "{\"name\":\"x\",\"rate_limits\":{\"per_client_per_min\":10}}");
            assertRequestSchemaRejects(schema, "{\"name\":\"x\",\"rate_limits\":10}");
        }
    }

    @Test
    void a_request_schema_helper_fails_clearly_for_an_unknown_schema_or_a_wrong_verdict() {
        assertThatThrownBy(() -> assertRequestSchemaAccepts("NoSuchRequest", "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Schema NoSuchRequest is not documented");
        assertThatThrownBy(() -> assertRequestSchemaAccepts("CreateWidgetKeyRequest", "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("schema CreateWidgetKeyRequest rejects {}")
                .hasMessageContaining("body: required property 'name'");
        assertThatThrownBy(() -> assertRequestSchemaRejects("UpdateWidgetKeyRequest", "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("schema UpdateWidgetKeyRequest accepts {}, but it should reject it");
    }

    /** The headers every response carries, with {@code contentType}, then {@code nameValues} set or replaced. */
    private static Map<String, List<String>> headers(String contentType, String... nameValues) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of(contentType));
        headers.put("Cache-Control", List.of("no-store"));
        headers.put("X-Content-Type-Options", List.of("nosniff"));
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.put(nameValues[i], List.of(nameValues[i + 1]));
        }
        return headers;
    }

    private ObjectNode widgetKey() {
        ObjectNode key = mapper.createObjectNode()
                .put("id", "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e")
                .put("account_id", "acct_123")
                .put("name", "acme.com production")
                .put("agent_id", "agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z");
        key.putArray("domain_allowlist").add("https://acme.com").add("https://www.acme.com");
        key.put("key_last8", "x3Kq9ZpA")
                .put("created_at", "2026-11-24T05:51:00.123Z")
                .put("updated_at", "2026-11-24T05:51:00.123Z")
                .putNull("disabled_at")
                .putNull("last_used_at")
                .putNull("expires_at")
                .put("mode", "enforce")
                .set("rate_limits", mapper.createObjectNode().putNull("per_client_per_minute").putNull("per_key_per_minute"));
        return key.putNull("rotated_from")
                .putNull("replaced_by");
    }

    private ObjectNode createdWidgetKey() {
        return widgetKey()
                .put("key_last8", "nJ24A67T")
                .put("key", "pk_live_ZlV9vZQvUdhbjGIBE6rR0S90Vbn3nJ24A67T");
    }

    private ArrayNode array(ObjectNode... items) {
        ArrayNode array = mapper.createArrayNode();
        for (ObjectNode item : items) {
            array.add(item);
        }
        return array;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }
}
