package dev.widgetedge.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.widgetedge.core.widget.WidgetKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Renders {@code WidgetKey} and {@code CreatedWidgetKey} exactly as docs/admin-api.md shows them:
 * {@code snake_case}, fields in the documented order (the lifecycle fields after the seed's),
 * RFC 3339 UTC timestamps with millisecond precision, explicit {@code null}s. Also the one writer
 * the admin API's other JSON answers use.
 */
final class WidgetKeyJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private WidgetKeyJson() {
    }

    /** A JSON array of keys (what list returns). */
    static byte[] list(List<WidgetKey> keys) {
        return write(json -> {
            json.writeStartArray();
            for (WidgetKey key : keys) {
                writeKey(json, key, null);
            }
            json.writeEndArray();
        });
    }

    /** One key without its plaintext (what the audit trail compares). */
    static byte[] one(WidgetKey key) {
        return write(json -> writeKey(json, key, null));
    }

    /** One key with its plaintext {@code key} (what create and rotate return, once). */
    static byte[] created(WidgetKey key, String plaintextKey) {
        return write(json -> writeKey(json, key, plaintextKey));
    }

    /** RFC 3339, UTC, always three fractional digits: {@code 2026-11-24T05:51:00.120Z}. */
    static String timestamp(Instant instant) {
        return Rfc3339.format(instant);
    }

    private static void writeKey(JsonGenerator json, WidgetKey key, String plaintextKey) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", key.id().toString());
        json.writeStringField("account_id", key.accountId());
        json.writeStringField("name", key.name());
        json.writeStringField("agent_id", key.agentId());
        json.writeArrayFieldStart("domain_allowlist");
        for (String origin : key.domainAllowlist()) {
            json.writeString(origin);
        }
        json.writeEndArray();
        json.writeStringField("key_last8", key.keyLast8());
        writeTimestamp(json, "created_at", key.createdAt());
        writeTimestamp(json, "updated_at", key.updatedAt());
        writeTimestamp(json, "disabled_at", key.disabledAt());
        writeTimestamp(json, "last_used_at", key.lastUsedAt());
        writeTimestamp(json, "expires_at", key.expiresAt());
        json.writeStringField("mode", key.mode().wire());
        json.writeObjectFieldStart("rate_limits");
        writeLimit(json, "per_client_per_minute", key.rateLimits().perClientPerMinute());
        writeLimit(json, "per_key_per_minute", key.rateLimits().perKeyPerMinute());
        json.writeEndObject();
        writeId(json, "rotated_from", key.rotatedFrom());
        writeId(json, "replaced_by", key.replacedBy());
        if (plaintextKey != null) {
            json.writeStringField("key", plaintextKey);
        }
        json.writeEndObject();
    }

    static void writeTimestamp(JsonGenerator json, String field, Instant instant) throws IOException {
        if (instant == null) {
            json.writeNullField(field);
        } else {
            json.writeStringField(field, timestamp(instant));
        }
    }

    private static void writeLimit(JsonGenerator json, String field, Integer limit) throws IOException {
        if (limit == null) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, limit);
        }
    }

    private static void writeId(JsonGenerator json, String field, UUID id) throws IOException {
        json.writeStringField(field, id == null ? null : id.toString());
    }

    /** Writes one JSON value. */
    interface JsonWriter {
        void writeTo(JsonGenerator json) throws IOException;
    }

    /** The bytes {@code writer} writes. */
    static byte[] write(JsonWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writer.writeTo(json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
