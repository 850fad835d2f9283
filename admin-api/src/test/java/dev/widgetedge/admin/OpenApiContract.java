package dev.widgetedge.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks real admin API traffic against the OpenAPI document that the admin API serves
 * ({@value #RESOURCE} on the classpath).
 *
 * <p>The document is loaded once. Schemas are validated with the JSON Schema 2020-12 dialect,
 * with {@code format} asserted (so {@code uuid} and {@code date-time} are checked), and every
 * {@code $ref} is resolved against the document itself.
 */
public final class OpenApiContract {

    /** Classpath location of the OpenAPI document. */
    public static final String RESOURCE = "dev/widgetedge/admin/openapi.json";

    private static final String DOCUMENT_IRI = "classpath:" + RESOURCE;
    private static final String METHOD_NOT_ALLOWED = "/components/responses/MethodNotAllowed";
    private static final int HTTP_METHOD_NOT_ALLOWED = 405;
    private static final int EXCERPT_LENGTH = 500;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNode DOCUMENT = readDocument();
    private static final SchemaRegistry SCHEMA_REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Map<String, Schema> SCHEMAS_BY_POINTER = new ConcurrentHashMap<>();

    private OpenApiContract() {
    }

    /**
     * Returns a copy of the OpenAPI document, for tests that inspect it directly.
     *
     * @return the parsed document; changing it does not affect validation
     */
    public static JsonNode document() {
        return DOCUMENT.deepCopy();
    }

    /**
     * Asserts that an HTTP response's status and body are ones the OpenAPI document allows; its
     * headers other than {@code Content-Type} are not checked (see {@link #assertResponseAndHeadersMatch}).
     *
     * <p>Fails when the path, the operation or the status is not documented; when the
     * response has a body although the document gives the status none (a {@code 204});
     * when the media type of {@code contentType}, compared without parameters such as
     * {@code charset}, is not documented for the status; or when the body does not
     * validate against the documented schema. A JSON media type's body is validated as
     * JSON; any other media type's body is validated as a JSON string (so a
     * {@code text/plain} error body is checked against its {@code pattern}). A {@code 405} on a
     * documented path is checked against {@code components/responses/MethodNotAllowed}, whatever
     * the method.
     *
     * @param method the HTTP method, in any case
     * @param pathTemplate the documented path, e.g. {@code /api/v1/widget-keys/{id}}; an alias
     *     listed under the path item's {@code x-aliases}, e.g. {@code /v1/widget-keys}, is
     *     accepted too
     * @param status the response status code
     * @param contentType the response's {@code Content-Type} header, or {@code null} if none
     * @param body the response body, or {@code null} or empty if none
     * @throws AssertionError naming the call and listing every difference from the document
     */
    public static void assertResponseMatches(
            String method, String pathTemplate, int status, String contentType, String body) {
        Map<String, List<String>> headers = contentType == null ? Map.of() : Map.of("Content-Type", List.of(contentType));
        check(method, pathTemplate, status, headers, body, false);
    }

    /**
     * Asserts that an HTTP response, headers included, is one the OpenAPI document allows: the
     * checks of {@link #assertResponseMatches(String, String, int, String, String)}, and every
     * header the response object documents is present if it is {@code required}, sent once, and
     * valid against its schema; a {@code 405}'s {@code Allow} lists exactly the path's documented
     * methods. Headers the document does not mention ({@code Content-Length}, …) are allowed.
     *
     * @param headers the response's headers, names in any case
     * @throws AssertionError naming the call and listing every difference from the document
     */
    public static void assertResponseAndHeadersMatch(
            String method, String pathTemplate, int status, Map<String, List<String>> headers, String body) {
        check(method, pathTemplate, status, headers, body, true);
    }

    private static void check(String method, String pathTemplate, int status, Map<String, List<String>> headers,
            String body, boolean checkHeaders) {
        String call = method.toUpperCase(Locale.ROOT) + " " + pathTemplate + " → " + status;
        String responsePointer = resolve(responsePointer(method, pathTemplate, status, call));
        JsonNode response = DOCUMENT.at(responsePointer);
        if (checkHeaders) {
            List<String> errors = headerErrors(responsePointer, response, headers);
            if (status == HTTP_METHOD_NOT_ALLOWED) {
                String allow = String.join(", ", documentedMethods(pathPointer(pathTemplate)));
                if (!List.of(allow).equals(values(headers, "Allow"))) {
                    errors.add("Allow is " + values(headers, "Allow") + ", but the path documents " + allow);
                }
            }
            if (!errors.isEmpty()) {
                throw new AssertionError(call + " headers do not match the document:" + bulleted(errors)
                        + "\nheaders: " + headers);
            }
        }
        if (method.equalsIgnoreCase("HEAD")) {
            return;
        }
        String actualBody = body == null ? "" : body;
        JsonNode content = response.path("content");
        if (content.isMissingNode()) {
            if (!actualBody.isEmpty()) {
                throw new AssertionError(call + " is documented without a body, but the response has "
                        + actualBody.length() + " characters: " + excerpt(actualBody));
            }
            return;
        }
        String contentType = values(headers, "Content-Type").stream().findFirst().orElse(null);
        if (contentType == null || contentType.isBlank()) {
            throw new AssertionError(call + " has no Content-Type; documented media types: "
                    + fieldNames(content));
        }
        String mediaType = baseMediaType(contentType);
        String documentedMediaType = fieldNames(content).stream()
                .filter(name -> baseMediaType(name).equals(mediaType))
                .findFirst()
                .orElseThrow(() -> new AssertionError(call + " has media type " + contentType
                        + ", which is not documented; documented media types: " + fieldNames(content)));
        String schemaPointer = responsePointer + "/content/" + escapePointerToken(documentedMediaType) + "/schema";
        String instance = isJson(mediaType) ? parseableJson(call, actualBody) : jsonString(actualBody);
        List<String> errors = validate(schemaPointer, instance);
        if (!errors.isEmpty()) {
            throw new AssertionError(call + " (" + contentType + ") does not match the schema at #"
                    + schemaPointer + ":" + bulleted(errors) + "\nbody: " + excerpt(actualBody));
        }
    }

    /** Where the document describes this response; a 405 on a documented path is the shared one. */
    private static String responsePointer(String method, String pathTemplate, int status, String call) {
        if (status == HTTP_METHOD_NOT_ALLOWED) {
            pathPointer(pathTemplate);
            return METHOD_NOT_ALLOWED;
        }
        String operationPointer = operationPointer(method, pathTemplate);
        String responsePointer = operationPointer + "/responses/" + status;
        if (DOCUMENT.at(responsePointer).isMissingNode()) {
            throw new AssertionError(call + " is not documented; documented statuses: "
                    + fieldNames(DOCUMENT.at(operationPointer + "/responses")));
        }
        return responsePointer;
    }

    private static List<String> headerErrors(String responsePointer, JsonNode response,
            Map<String, List<String>> headers) {
        List<String> errors = new ArrayList<>();
        for (String name : fieldNames(response.path("headers"))) {
            String headerPointer = resolve(responsePointer + "/headers/" + escapePointerToken(name));
            List<String> sent = values(headers, name);
            if (sent.isEmpty()) {
                if (DOCUMENT.at(headerPointer).path("required").asBoolean(false)) {
                    errors.add(name + " is required but missing");
                }
                continue;
            }
            if (sent.size() > 1) {
                errors.add(name + " is sent " + sent.size() + " times: " + sent);
            }
            validate(headerPointer + "/schema", jsonString(sent.get(0)))
                    .forEach(error -> errors.add(name + ": " + error.replaceFirst("^body", "value")));
        }
        return errors;
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase(name))
                .flatMap(header -> header.getValue().stream())
                .toList();
    }

    /** Follows {@code $ref}s from {@code pointer} to the object they name. */
    private static String resolve(String pointer) {
        String current = pointer;
        for (JsonNode node = DOCUMENT.at(current); node.has("$ref"); node = DOCUMENT.at(current)) {
            current = localPointer(node.get("$ref").asText());
        }
        return current;
    }

    /**
     * Asserts that a JSON document validates against a schema under
     * {@code components/schemas}, e.g. a request body a client may send.
     *
     * @param schemaName the schema's name, e.g. {@code CreateWidgetKeyRequest}
     * @param json the JSON document
     * @throws AssertionError listing the schema errors when the document does not validate
     */
    public static void assertRequestSchemaAccepts(String schemaName, String json) {
        String subject = "schema " + schemaName;
        List<String> errors = validate(componentSchemaPointer(schemaName), parseableJson(subject, json));
        if (!errors.isEmpty()) {
            throw new AssertionError(subject + " rejects " + excerpt(json) + ":" + bulleted(errors));
        }
    }

    /**
     * Asserts that a JSON document does not validate against a schema under
     * {@code components/schemas}, e.g. a request body the API must refuse.
     *
     * @param schemaName the schema's name, e.g. {@code CreateWidgetKeyRequest}
     * @param json the JSON document
     * @throws AssertionError when the document validates
     */
    public static void assertRequestSchemaRejects(String schemaName, String json) {
        String subject = "schema " + schemaName;
        if (validate(componentSchemaPointer(schemaName), parseableJson(subject, json)).isEmpty()) {
            throw new AssertionError(subject + " accepts " + excerpt(json) + ", but it should reject it");
        }
    }

    private static String pathPointer(String pathTemplate) {
        JsonNode paths = DOCUMENT.path("paths");
        String documentedPath = fieldNames(paths).stream()
                .filter(path -> path.equals(pathTemplate) || isAlias(paths.get(path), pathTemplate))
                .findFirst()
                .orElseThrow(() -> new AssertionError("Path " + pathTemplate
                        + " is not documented; documented paths: " + fieldNames(paths)));
        return "/paths/" + escapePointerToken(documentedPath);
    }

    /** The path item's methods, uppercase and sorted, as an {@code Allow} header lists them. */
    private static List<String> documentedMethods(String pathPointer) {
        JsonNode pathItem = DOCUMENT.at(pathPointer);
        return fieldNames(pathItem).stream()
                .filter(name -> pathItem.get(name).has("responses"))
                .map(name -> name.toUpperCase(Locale.ROOT))
                .sorted()
                .toList();
    }

    private static String operationPointer(String method, String pathTemplate) {
        String pathPointer = pathPointer(pathTemplate);
        String operation = method.toLowerCase(Locale.ROOT);
        if (!DOCUMENT.at(pathPointer).path(operation).isObject()) {
            throw new AssertionError(method.toUpperCase(Locale.ROOT) + " " + pathTemplate
                    + " is not documented; documented methods: " + documentedMethods(pathPointer));
        }
        return pathPointer + "/" + operation;
    }

    private static boolean isAlias(JsonNode pathItem, String pathTemplate) {
        for (JsonNode alias : pathItem.path("x-aliases")) {
            if (alias.asText().equals(pathTemplate)) {
                return true;
            }
        }
        return false;
    }

    private static String componentSchemaPointer(String schemaName) {
        JsonNode schemas = DOCUMENT.path("components").path("schemas");
        if (!schemas.has(schemaName)) {
            throw new AssertionError("Schema " + schemaName + " is not documented; documented schemas: "
                    + fieldNames(schemas));
        }
        return "/components/schemas/" + escapePointerToken(schemaName);
    }

    private static List<String> validate(String schemaPointer, String instanceJson) {
        Schema schema = SCHEMAS_BY_POINTER.computeIfAbsent(schemaPointer,
                pointer -> SCHEMA_REGISTRY.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + pointer)));
        return schema.validate(instanceJson, InputFormat.JSON).stream().map(OpenApiContract::describe).toList();
    }

    private static String describe(Error error) {
        return "body" + error.getInstanceLocation() + ": " + error.getMessage();
    }

    private static String localPointer(String ref) {
        if (!ref.startsWith("#/")) {
            throw new AssertionError("Only local $refs are supported, found " + ref);
        }
        return ref.substring(1);
    }

    private static String parseableJson(String subject, String json) {
        try {
            MAPPER.readTree(json);
            return json;
        } catch (JsonProcessingException e) {
            throw new AssertionError(subject + " needs a JSON body, but it is not JSON ("
                    + e.getOriginalMessage() + "): " + excerpt(json), e);
        }
    }

    private static String jsonString(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode a string as JSON", e);
        }
    }

    private static String baseMediaType(String contentType) {
        int parameters = contentType.indexOf(';');
        String base = parameters < 0 ? contentType : contentType.substring(0, parameters);
        return base.trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private static String escapePointerToken(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> fieldNames(JsonNode node) {
        return node.propertyStream().map(Map.Entry::getKey).toList();
    }

    private static String bulleted(List<String> lines) {
        return lines.stream().map(line -> "\n  - " + line).collect(Collectors.joining());
    }

    private static String excerpt(String text) {
        return text.length() <= EXCERPT_LENGTH ? text : text.substring(0, EXCERPT_LENGTH) + "…";
    }

    private static JsonNode readDocument() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }
}
