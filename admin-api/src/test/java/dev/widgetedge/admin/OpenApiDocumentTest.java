package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.widgetedge.core.origin.InvalidOriginException;
import dev.widgetedge.core.origin.OriginPattern;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document itself: a valid OpenAPI 3.1 document by a real validator, schemas that
 * are valid JSON Schema 2020-12, patterns that say exactly what the server accepts, and the
 * headers, statuses, links and SDK names every operation must document.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OpenApiDocumentTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNode DOCUMENT = OpenApiContract.document();
    private static final int SAMPLES = 20_000;

    private static final Pattern ORIGIN_INPUT = pattern("/components/schemas/DomainAllowlistInput/items/pattern");
    private static final Pattern ORIGIN_STORED = pattern("/components/schemas/WidgetKey/properties/domain_allowlist/items/pattern");
    private static final Pattern NAME_INPUT = pattern("/components/schemas/CreateWidgetKeyRequest/properties/name/pattern");
    private static final Pattern NAME_STORED = pattern("/components/schemas/WidgetKey/properties/name/pattern");

    @Test
    void the_document_is_a_valid_openapi_3_1_document_with_no_messages_from_swagger_parser() {
        SwaggerParseResult result = parse(DOCUMENT.toString());

        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(result.getOpenAPI().getPaths()).containsKeys("/api/v1/widget-keys", "/api/v1/widget-keys/{id}");
    }

    @Test
    void swagger_parser_does_report_a_broken_document() {
        ObjectNode broken = DOCUMENT.deepCopy();
        ((ObjectNode) broken.at("/paths/~1api~1v1~1widget-keys/get/responses/200")).remove("description");
        ((ObjectNode) broken.at("/paths/~1api~1v1~1widget-keys/get/responses")).putObject("401").put("$ref", "#/nowhere");
        ((ObjectNode) broken.at("/components/headers/Location")).put("in", "header");

        assertThat(parse(broken.toString()).getMessages()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void every_schema_in_the_document_is_a_valid_json_schema_2020_12_with_patterns_that_compile() {
        Schema metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        List<String> schemas = new ArrayList<>();
        collectSchemas(DOCUMENT, "", schemas);

        assertThat(schemas).hasSizeGreaterThan(20);
        for (String pointer : schemas) {
            assertThat(metaSchema.validate(DOCUMENT.at(pointer).toString(), InputFormat.JSON))
                    .as("schema at #%s", pointer).isEmpty();
        }
        List<String> patterns = new ArrayList<>();
        collectPatterns(DOCUMENT, "", patterns);
        assertThat(patterns).allSatisfy(pointer -> Pattern.compile(DOCUMENT.at(pointer).asText()));
    }

    @Test
    void every_operation_has_an_operation_id_and_every_widget_keys_operation_its_sdk_method() {
        Set<String> operationIds = new HashSet<>();
        Map<String, String> sdkMethods = new TreeMap<>();
        forEachOperation((call, operation) -> {
            assertThat(operationIds.add(operation.path("operationId").asText())).as(call).isTrue();
            if (!tags(operation).contains("meta")) {
                sdkMethods.put(operation.path("operationId").asText(), operation.path("x-sdk-method").asText());
            }
        });

        assertThat(sdkMethods).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "createWidgetKey", "widgetKeys.create", "deleteWidgetKey", "widgetKeys.delete",
                "listWidgetKeys", "widgetKeys.list", "updateWidgetKey", "widgetKeys.update",
                "rotateWidgetKey", "widgetKeys.rotate", "getWidgetKeyOrigins", "widgetKeys.origins",
                "getWidgetKeyUsage", "widgetKeys.usage", "listAuditEvents", "auditEvents.list")));
    }

    @Test
    void every_operation_documents_413_since_any_request_may_carry_a_body() {
        forEachOperation((call, operation) -> assertThat(operation.path("responses").has("413")).as(call).isTrue());
    }

    @Test
    void every_authenticated_operation_documents_400_401_403_and_500_and_those_with_an_id_404() {
        forEachOperation((call, operation) -> {
            if (!tags(operation).contains("meta")) {
                assertThat(fieldNames(operation.path("responses"))).as(call).contains("400", "401", "403", "500");
                if (call.contains("{id}")) {
                    assertThat(fieldNames(operation.path("responses"))).as(call).contains("404");
                }
            }
        });
    }

    @Test
    void every_response_documents_the_headers_it_always_carries() {
        List<String> responses = new ArrayList<>();
        forEachOperation((call, operation) -> operation.path("responses").properties().forEach(status -> {
            JsonNode response = resolved(status.getValue());
            assertThat(fieldNames(response.path("headers"))).as(call + " " + status.getKey())
                    .contains("Cache-Control", "X-Content-Type-Options");
            responses.add(call + " " + status.getKey());
        }));
        JsonNode methodNotAllowed = DOCUMENT.at("/components/responses/MethodNotAllowed");

        assertThat(responses).hasSizeGreaterThan(25);
        assertThat(fieldNames(methodNotAllowed.path("headers"))).contains("Cache-Control", "X-Content-Type-Options", "Allow");
        assertThat(fieldNames(DOCUMENT.at("/components/responses/Unauthorized/headers"))).contains("WWW-Authenticate");
        assertThat(fieldNames(DOCUMENT.at("/paths/~1api~1v1~1widget-keys/post/responses/201/headers"))).contains("Location");
    }

    @Test
    void the_created_key_links_to_its_update_and_delete_operations() {
        JsonNode links = DOCUMENT.at("/paths/~1api~1v1~1widget-keys/post/responses/201/links");
        Set<String> operationIds = new HashSet<>();
        forEachOperation((call, operation) -> operationIds.add(operation.path("operationId").asText()));

        assertThat(fieldNames(links)).containsExactly("updateWidgetKey", "deleteWidgetKey");
        links.forEach(link -> {
            assertThat(operationIds).contains(link.path("operationId").asText());
            assertThat(link.path("parameters").path("id").asText()).isEqualTo("$response.body#/id");
        });
    }

    // --- the patterns say what the server accepts ---

    @Test
    void the_allowlist_entry_pattern_accepts_exactly_what_the_server_accepts_for_ascii_text() {
        List<String> samples = new ArrayList<>(List.of(
                "https://acme.com", "HTTPS://Acme.COM:443/", "http://localhost:8000", "https://*.acme.com",
                "https://*.acme.com.", "https://acme.com.", "http://127.0.0.1", "http://127.0.0.1.", "http://[::1]:8080",
                "http://[::ffff:1.2.3.4]", "http://[1:2:3:4:5:6:7::]", "http://[1:2:3:4:5:6:7:8::]", "http://[::]",
                "https://acme.com/path", "https://acme.com?q", "https://acme.com#f", "https://user@acme.com",
                "acme.com", "ftp://acme.com", "https://*.com", "https://*acme.com", "https://a.*.acme.com",
                "http://127.1", "http://0x7f.0.0.1", "http://0177.0.0.1", "http://1.2.3.256", "http://a.0x",
                "https://acme.com:0", "https://acme.com:065", "https://acme.com:65535", "https://acme.com:65536",
                "https://-acme.com", "https://acme-.com", "https://_dmarc.acme.com", "https://a..com", "https://.",
                "https://acme.com//", "https://acme.com, https://b.com", "https://acme.com\n", "http://[::1%25eth0]",
                "https://*.[::1]", "https://*.1.2.3.4", "http://a" + "b".repeat(62) + ".com", "http://a" + "b".repeat(63) + ".com",
                "http://" + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61),
                "http://" + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(62)));
        Random random = new Random(13);
        for (int i = 0; i < SAMPLES; i++) {
            samples.add(randomOrigin(random));
        }

        assertSameVerdicts(ORIGIN_INPUT, samples, OpenApiDocumentTest::serverAcceptsEntry);
        assertThat(samples.stream().filter(OpenApiDocumentTest::serverAcceptsEntry).count())
                .as("accepted samples").isGreaterThan(SAMPLES / 10);
    }

    @Test
    void the_stored_allowlist_entry_pattern_matches_every_normalized_entry_and_no_unnormalized_one() {
        Random random = new Random(17);
        List<String> normalized = new ArrayList<>();
        for (int i = 0; normalized.size() < 2_000 && i < SAMPLES * 10; i++) {
            String entry = randomOrigin(random);
            if (serverAcceptsEntry(entry)) {
                normalized.add(normalize(entry));
            }
        }
        normalized.add(normalize("https://b\u00fccher.de"));

        assertThat(normalized).hasSize(2_001).allSatisfy(entry -> assertThat(ORIGIN_STORED.matcher(entry).matches())
                .as(entry).isTrue());
        for (String unnormalized : List.of("HTTPS://acme.com", "https://Acme.com", "https://acme.com:443", "http://acme.com:80",
                "https://acme.com/", "https://acme.com.", "https://b\u00fccher.de")) {
            assertThat(ORIGIN_STORED.matcher(unnormalized).matches()).as(unnormalized).isFalse();
        }
    }

    @Test
    void the_name_pattern_accepts_exactly_what_the_server_accepts() {
        List<String> samples = new ArrayList<>(List.of("x", " x ", "", " ", "\t\n", "a\tb", "\ta\u3000",
                "\u00a0a", "a\u0085", "\u0085a", "a\u007f", "\u2007a\u202f", "\u200ba", "a".repeat(200),
                "a".repeat(201), " ".repeat(50) + "a".repeat(200) + "\t".repeat(50), "\uD83D\uDE00".repeat(200),
                "\uD83D\uDE00".repeat(201), "a" + " ".repeat(198) + "b", "a" + " ".repeat(199) + "b"));
        Random random = new Random(11);
        for (int i = 0; i < SAMPLES; i++) {
            samples.add(randomName(random));
        }

        assertSameVerdicts(NAME_INPUT, samples, OpenApiDocumentTest::serverAcceptsName);
        assertThat(samples.stream().filter(OpenApiDocumentTest::serverAcceptsName).count())
                .as("accepted samples").isGreaterThan(SAMPLES / 10);
    }

    @Test
    void the_stored_name_pattern_matches_every_name_as_the_server_stores_it() {
        Random random = new Random(19);
        for (int i = 0; i < SAMPLES; i++) {
            String name = randomName(random);
            if (serverAcceptsName(name)) {
                assertThat(NAME_STORED.matcher(name.strip()).matches()).as(name).isTrue();
            }
        }
        assertThat(NAME_STORED.matcher(" padded ").matches()).isFalse();
    }

    private static void assertSameVerdicts(Pattern pattern, List<String> samples, Predicate<String> server) {
        List<String> disagreements = new ArrayList<>();
        for (String sample : samples) {
            boolean documented = pattern.matcher(sample).matches();
            if (documented != server.test(sample)) {
                disagreements.add((documented ? "pattern accepts, server refuses: " : "server accepts, pattern refuses: ")
                        + MAPPER.valueToTree(sample));
            }
        }
        assertThat(disagreements).as("samples where the document and the server disagree").isEmpty();
    }

    private static boolean serverAcceptsEntry(String entry) {
        try {
            OriginPattern.parse(entry);
            return true;
        } catch (InvalidOriginException e) {
            return false;
        }
    }

    private static String normalize(String entry) {
        try {
            return OriginPattern.parse(entry).toString();
        } catch (InvalidOriginException e) {
            throw new AssertionError(entry, e);
        }
    }

    private static boolean serverAcceptsName(String name) {
        ObjectNode body = MAPPER.createObjectNode().put("name", name);
        try {
            WidgetKeyRequests.parseCreate(body.toString().getBytes(StandardCharsets.UTF_8), Instant.now());
            return true;
        } catch (ApiError e) {
            return false;
        }
    }

    /** Origin-like text: mostly well-formed pieces, often with one thing wrong. */
    private static String randomOrigin(Random random) {
        StringBuilder text = new StringBuilder(random.nextInt(4) > 0 ? pick(random, "http://", "https://", "HTTP://", "hTTpS://")
                : pick(random, "ftp://", "http:/", "", "https:", "http//"));
        switch (random.nextInt(4)) {
            case 0 -> text.append('[').append(randomIpv6(random)).append(random.nextInt(8) == 0 ? "" : "]");
            case 1 -> text.append(randomIpv4(random));
            default -> {
                if (random.nextInt(4) == 0) {
                    text.append(pick(random, "*.", "*", "a*.", "*.*."));
                }
                int labels = 1 + random.nextInt(4);
                for (int i = 0; i < labels; i++) {
                    text.append(i == 0 ? "" : random.nextInt(6) > 0 ? "." : pick(random, "..", "@", ",", "*."))
                            .append(randomLabel(random, random.nextInt(10) == 0 ? 60 + random.nextInt(8) : 1 + random.nextInt(6)));
                }
                if (random.nextInt(8) == 0) {
                    text.append('.');
                }
            }
        }
        if (random.nextInt(3) == 0) {
            text.append(':').append(randomDigits(random, random.nextInt(7)));
        }
        if (random.nextInt(3) == 0) {
            text.append(pick(random, "/", "/", "//", "/p", "?q", "#f", " "));
        }
        return text.toString();
    }

    private static String randomLabel(Random random, int length) {
        String alphabet = "abcXYZ0129-_";
        StringBuilder label = new StringBuilder();
        for (int i = 0; i < length; i++) {
            label.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return random.nextInt(12) == 0 ? pick(random, "0x1f", "0X", "123", "0x") : label.toString();
    }

    private static String randomIpv4(Random random) {
        StringBuilder text = new StringBuilder();
        int octets = random.nextInt(6) == 0 ? 3 + random.nextInt(3) : 4;
        for (int i = 0; i < octets; i++) {
            text.append(i == 0 ? "" : ".").append(random.nextInt(5) == 0 ? "0" : "").append(random.nextInt(300));
        }
        return text.toString();
    }

    private static String randomIpv6(Random random) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(10);
        int compress = random.nextInt(3) == 0 ? -1 : random.nextInt(pieces + 1);
        for (int i = 0; i < pieces; i++) {
            text.append(i == compress ? "::" : i == 0 ? "" : ":");
            String hex = Integer.toHexString(random.nextInt(0x100000));
            text.append(hex, 0, Math.min(hex.length(), 1 + random.nextInt(5)));
        }
        if (compress == pieces) {
            text.append("::");
        }
        if (random.nextInt(5) == 0) {
            text.append(pieces == 0 ? "" : ":").append(randomIpv4(random));
        }
        return text.toString();
    }

    private static String randomDigits(Random random, int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    /** Name-like text around the 200-character limit, with whitespace and control characters of every kind. */
    private static String randomName(Random random) {
        String[] pieces = {"a", "a", "a", "é", " ", "\t", "\n", "\u00a0", "\u2007", "\u3000", "\u2028", "\u0085", "\u0000",
            "\u007f", "\u200b", "\uD83D\uDE00", "\u001f", "\u001c"};
        int length = random.nextInt(4) == 0 ? 195 + random.nextInt(10) : random.nextInt(8);
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < length; i++) {
            name.append(random.nextInt(5) == 0 ? pieces[random.nextInt(pieces.length)] : "a");
        }
        return name.toString();
    }

    private static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    // --- walking the document ---

    private interface OperationVisitor {
        void visit(String call, JsonNode operation);
    }

    private static void forEachOperation(OperationVisitor visitor) {
        DOCUMENT.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (operation.getValue().has("responses")) {
                visitor.visit(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), operation.getValue());
            }
        }));
    }

    private static List<String> tags(JsonNode operation) {
        List<String> tags = new ArrayList<>();
        operation.path("tags").forEach(tag -> tags.add(tag.asText()));
        return tags;
    }

    private static JsonNode resolved(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            current = DOCUMENT.at(current.get("$ref").asText().substring(1));
        }
        return current;
    }

    private static List<String> fieldNames(JsonNode node) {
        return node.propertyStream().map(Map.Entry::getKey).toList();
    }

    /** Pointers to every Schema Object: components/schemas and each "schema" of a parameter, header or media type. */
    private static void collectSchemas(JsonNode node, String pointer, List<String> schemas) {
        node.properties().forEach(field -> {
            String child = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
            if (field.getKey().equals("schema") && field.getValue().isObject()) {
                schemas.add(child);
            } else if (pointer.equals("/components/schemas")) {
                schemas.add(child);
            } else if (field.getValue().isObject() && !field.getKey().equals("examples") && !field.getKey().equals("example")) {
                collectSchemas(field.getValue(), child, schemas);
            }
        });
    }

    private static void collectPatterns(JsonNode node, String pointer, List<String> patterns) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                String child = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                if (field.getKey().equals("pattern") && field.getValue().isTextual()) {
                    patterns.add(child);
                } else {
                    collectPatterns(field.getValue(), child, patterns);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectPatterns(node.get(i), pointer + "/" + i, patterns);
            }
        }
    }

    private static Pattern pattern(String pointer) {
        JsonNode node = DOCUMENT.at(pointer);
        assertThat(node.isTextual()).as("a pattern at #%s", pointer).isTrue();
        return Pattern.compile(node.asText());
    }

    private static SwaggerParseResult parse(String json) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(json, null, options);
    }
}
