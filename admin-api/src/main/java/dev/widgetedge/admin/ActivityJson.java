package dev.widgetedge.admin;

import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import java.util.List;

/**
 * Renders what the admin API says about a key's activity: origin report rows, daily usage and
 * audit events, as JSON arrays in the order given.
 */
final class ActivityJson {

    private ActivityJson() {
    }

    /** {@code [{"origin", "outcome", "requests", "first_seen", "last_seen"}, …]}. */
    static byte[] origins(List<TrafficCount> rows) {
        return WidgetKeyJson.write(json -> {
            json.writeStartArray();
            for (TrafficCount row : rows) {
                json.writeStartObject();
                json.writeStringField("origin", row.origin());
                json.writeStringField("outcome", row.outcome().wire());
                json.writeNumberField("requests", row.requests());
                WidgetKeyJson.writeTimestamp(json, "first_seen", row.firstSeen());
                WidgetKeyJson.writeTimestamp(json, "last_seen", row.lastSeen());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    /** {@code [{"date", "allowed", "denied", "rate_limited"}, …]}. */
    static byte[] usage(List<UsageDay> days) {
        return WidgetKeyJson.write(json -> {
            json.writeStartArray();
            for (UsageDay day : days) {
                json.writeStartObject();
                json.writeStringField("date", day.date().toString());
                json.writeNumberField("allowed", day.allowed());
                json.writeNumberField("denied", day.denied());
                json.writeNumberField("rate_limited", day.rateLimited());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    /** {@code [{"id", "at", "account_id", "actor", "action", "key_id", "key_last8", "changes"}, …]}. */
    static byte[] auditEvents(List<AuditEvent> events) {
        return WidgetKeyJson.write(json -> {
            json.writeStartArray();
            for (AuditEvent event : events) {
                json.writeStartObject();
                json.writeStringField("id", event.id());
                WidgetKeyJson.writeTimestamp(json, "at", event.at());
                json.writeStringField("account_id", event.accountId());
                json.writeObjectFieldStart("actor");
                json.writeStringField("token_id", event.actor().tokenId());
                json.writeStringField("token_name", event.actor().tokenName());
                json.writeEndObject();
                json.writeStringField("action", event.action().wire());
                json.writeStringField("key_id", event.keyId().toString());
                json.writeStringField("key_last8", event.keyLast8());
                json.writeFieldName("changes");
                json.writeRawValue(event.changesJson());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }
}
