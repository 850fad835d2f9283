package dev.widgetedge.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.widgetedge.core.origin.Allowlist;
import dev.widgetedge.core.origin.InvalidOriginException;
import dev.widgetedge.core.origin.OriginPattern;
import dev.widgetedge.core.widget.KeyMode;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates the JSON bodies of create, update and rotate into domain values. Every
 * problem becomes an {@link ApiError} 400 whose detail names the field. Server-set fields
 * ({@code id}, {@code created_at}, {@code rotated_from}, …) and unknown fields are ignored
 * (docs/admin-api.md).
 */
final class WidgetKeyRequests {

    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_AGENT_ID_LENGTH = 128;
    static final int MAX_ALLOWLIST_ENTRIES = 100;
    static final long MAX_GRACE_SECONDS = 2_592_000;
    static final Duration DEFAULT_GRACE = Duration.ofDays(1);

    private static final String UTF8_BOM = "\uFEFF";
    private static final Set<String> RATE_LIMIT_FIELDS = Set.of("per_client_per_minute", "per_key_per_minute");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private WidgetKeyRequests() {
    }

    /**
     * The body of {@code POST /api/v1/widget-keys}; errors say {@code Invalid body or name required}.
     *
     * @param now the time of the call: an {@code expires_at} not after it is refused
     */
    static KeySettings parseCreate(byte[] body, Instant now) {
        Fields fields = new Fields(parseObject(body, ApiError.INVALID_BODY_OR_NAME), ApiError.INVALID_BODY_OR_NAME);
        JsonNode name = fields.node("name");
        if (name == null || name.isNull()) {
            throw fields.invalid("name is required");
        }
        return new KeySettings(
                fields.name(name),
                fields.has("agent_id") ? fields.agentId(fields.node("agent_id")) : null,
                fields.has("domain_allowlist") ? fields.allowlist(fields.node("domain_allowlist")) : List.of(),
                fields.has("expires_at") ? fields.expiresAt(fields.node("expires_at"), now) : null,
                fields.has("mode") ? fields.mode(fields.node("mode")) : KeyMode.ENFORCE,
                fields.has("rate_limits") ? fields.rateLimits(fields.node("rate_limits")) : RateLimits.DEFAULTS);
    }

    /**
     * The body of {@code PATCH /api/v1/widget-keys/{id}}; errors say {@code Invalid body}.
     *
     * @param now the time of the call: an {@code expires_at} not after it is refused
     */
    static WidgetKeyChanges parseUpdate(byte[] body, Instant now) {
        Fields fields = new Fields(parseObject(body, ApiError.INVALID_BODY), ApiError.INVALID_BODY);
        WidgetKeyChanges.Builder changes = WidgetKeyChanges.builder();
        if (fields.has("name")) {
            changes.name(fields.name(fields.node("name")));
        }
        if (fields.has("agent_id")) {
            changes.agentId(fields.agentId(fields.node("agent_id")));
        }
        if (fields.has("domain_allowlist")) {
            changes.domainAllowlist(fields.allowlist(fields.node("domain_allowlist")));
        }
        if (fields.has("expires_at")) {
            changes.expiresAt(fields.expiresAt(fields.node("expires_at"), now));
        }
        if (fields.has("mode")) {
            changes.mode(fields.mode(fields.node("mode")));
        }
        if (fields.has("rate_limits")) {
            changes.rateLimits(fields.rateLimits(fields.node("rate_limits")));
        }
        if (fields.has("disabled")) {
            changes.disabled(fields.disabled(fields.node("disabled")));
        }
        return changes.build();
    }

    /**
     * The body of {@code POST /api/v1/widget-keys/{id}/rotate}: the grace the old key keeps. The
     * body is optional (empty: the default grace); errors say {@code Invalid body}.
     */
    static Duration parseRotate(byte[] body) {
        if (body.length == 0) {
            return DEFAULT_GRACE;
        }
        Fields fields = new Fields(parseObject(body, ApiError.INVALID_BODY), ApiError.INVALID_BODY);
        if (!fields.has("grace_seconds")) {
            return DEFAULT_GRACE;
        }
        JsonNode grace = fields.node("grace_seconds");
        if (!grace.isIntegralNumber() || !grace.canConvertToLong() || grace.longValue() < 0
                || grace.longValue() > MAX_GRACE_SECONDS) {
            throw fields.invalid("grace_seconds must be an integer 0-" + MAX_GRACE_SECONDS);
        }
        return Duration.ofSeconds(grace.longValue());
    }

    private static JsonNode parseObject(byte[] body, String sentence) {
        if (body.length == 0) {
            throw ApiError.invalidBody(sentence, "body is empty (expected a JSON object)");
        }
        JsonNode root;
        try {
            // Parsed from text, so that the parser cannot guess another encoding from the bytes.
            root = JSON.readTree(utf8Text(body, sentence));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiError.invalidBody(sentence, "malformed JSON" + where);
        }
        if (root == null || !root.isObject()) {
            throw ApiError.invalidBody(sentence, "body must be a JSON object");
        }
        String unpaired = unpairedSurrogate(root, "");
        if (unpaired != null) {
            throw ApiError.invalidBody(sentence, unpaired + " has an unpaired surrogate escape (not Unicode text)");
        }
        return root;
    }

    /**
     * The body as UTF-8 text, the only encoding the API takes (RFC 8259 §8.1). A UTF-8 byte order
     * mark is skipped, as RFC 8259 allows; UTF-16 and UTF-32, with or without one, are refused:
     * bytes that are not UTF-8, and NUL bytes (which JSON text never holds, and UTF-16 has in
     * every ASCII character).
     */
    private static String utf8Text(byte[] body, String sentence) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw ApiError.invalidBody(sentence, "body is not UTF-8 (invalid byte at offset " + in.position() + ")");
        }
        decoder.flush(out);
        String text = out.flip().toString();
        if (text.indexOf('\0') >= 0) {
            throw ApiError.invalidBody(sentence, "body is not UTF-8 (it has NUL bytes, as UTF-16 and UTF-32 do)");
        }
        return text.startsWith(UTF8_BOM) ? text.substring(1) : text;
    }

    /**
     * The path ({@code name}, {@code domain_allowlist[2]}, {@code a.b}) of the first string or
     * field name holding a surrogate that is not part of a pair, or {@code null}. JSON's
     * {@code \\uD800} escape can spell one; no UTF-8 store can keep it (Redis would get {@code ?}).
     */
    private static String unpairedSurrogate(JsonNode node, String path) {
        if (node.isTextual()) {
            return hasUnpairedSurrogate(node.textValue()) ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = unpairedSurrogate(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (hasUnpairedSurrogate(field.getKey())) {
                return "a field name";
            }
            String found = unpairedSurrogate(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Field access and validation for one body, with the call's error sentence. */
    private record Fields(JsonNode root, String sentence) {

        boolean has(String field) {
            return root.has(field);
        }

        JsonNode node(String field) {
            return root.get(field);
        }

        ApiError invalid(String detail) {
            return ApiError.invalidBody(sentence, detail);
        }

        String name(JsonNode node) {
            if (!node.isTextual()) {
                throw invalid("name must be a string");
            }
            String trimmed = node.textValue().strip();
            int length = trimmed.codePointCount(0, trimmed.length());
            if (length < 1 || length > MAX_NAME_LENGTH) {
                throw invalid("name must be 1-" + MAX_NAME_LENGTH + " characters after trimming");
            }
            if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
                throw invalid("name must not contain control characters");
            }
            return trimmed;
        }

        String agentId(JsonNode node) {
            if (node.isNull()) {
                return null;
            }
            if (!node.isTextual()) {
                throw invalid("agent_id must be a string or null");
            }
            String value = node.textValue();
            if (!isAgentId(value)) {
                throw invalid("agent_id must be 1-" + MAX_AGENT_ID_LENGTH + " characters of A-Z a-z 0-9 _ -");
            }
            return value;
        }

        List<String> allowlist(JsonNode node) {
            if (!node.isArray()) {
                throw invalid("domain_allowlist must be an array of origins");
            }
            if (node.size() > MAX_ALLOWLIST_ENTRIES) {
                throw invalid("domain_allowlist has " + node.size() + " entries (at most "
                        + MAX_ALLOWLIST_ENTRIES + ")");
            }
            List<OriginPattern> patterns = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                JsonNode entry = node.get(i);
                if (!entry.isTextual()) {
                    throw invalid("domain_allowlist[" + i + "] must be a string");
                }
                try {
                    patterns.add(OriginPattern.parse(entry.textValue()));
                } catch (InvalidOriginException e) {
                    throw invalid("domain_allowlist[" + i + "] " + e.getMessage());
                }
            }
            return Allowlist.of(patterns).entries();
        }

        Instant expiresAt(JsonNode node, Instant now) {
            if (node.isNull()) {
                return null;
            }
            if (!node.isTextual()) {
                throw invalid("expires_at must be an RFC 3339 date-time or null");
            }
            Instant expiresAt;
            try {
                expiresAt = Rfc3339.parse(node.textValue());
            } catch (IllegalArgumentException e) {
                throw invalid("expires_at must be an RFC 3339 date-time or null");
            }
            if (!expiresAt.isAfter(now)) {
                throw invalid("expires_at is in the past");
            }
            return expiresAt;
        }

        KeyMode mode(JsonNode node) {
            KeyMode mode = node.isTextual() ? KeyMode.fromWire(node.textValue()) : null;
            if (mode == null) {
                throw invalid("mode must be \"enforce\" or \"report\"");
            }
            return mode;
        }

        /**
         * The whole object replaces the key's limits: a limit it leaves out, or sets to
         * {@code null}, is the gateway's default, and so is every limit when the object itself is
         * {@code null}. A name that is not one of the two limits is refused rather than ignored,
         * since a misspelt limit would otherwise reset the real one to the default unseen.
         */
        RateLimits rateLimits(JsonNode node) {
            if (node.isNull()) {
                return RateLimits.DEFAULTS;
            }
            if (!node.isObject()) {
                throw invalid("rate_limits must be an object or null");
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!RATE_LIMIT_FIELDS.contains(field.getKey())) {
                    throw invalid("rate_limits has an unknown field (expected per_client_per_minute, per_key_per_minute)");
                }
            }
            return new RateLimits(limit(node, "per_client_per_minute"), limit(node, "per_key_per_minute"));
        }

        private Integer limit(JsonNode limits, String field) {
            JsonNode node = limits.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < RateLimits.MIN
                    || node.intValue() > RateLimits.MAX) {
                throw invalid("rate_limits." + field + " must be an integer " + RateLimits.MIN + "-" + RateLimits.MAX
                        + " or null");
            }
            return node.intValue();
        }

        Boolean disabled(JsonNode node) {
            if (!node.isBoolean()) {
                throw invalid("disabled must be true or false");
            }
            return node.booleanValue();
        }
    }

    private static boolean isAgentId(String value) {
        if (value.isEmpty() || value.length() > MAX_AGENT_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
