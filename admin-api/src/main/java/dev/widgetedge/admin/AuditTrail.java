package dev.widgetedge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.widgetedge.core.audit.Actor;
import dev.widgetedge.core.audit.AuditAction;
import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.widget.WidgetKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit events of mutations, and their log lines. An event's {@code changes} compare the key's
 * JSON before and after, field by field, so every field the API shows is audited by being shown,
 * apart from those no user sets ({@link #UNAUDITED}).
 */
final class AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields that never change, or change without a user: a use, or the time of the change itself. */
    private static final Set<String> UNAUDITED = Set.of("id", "account_id", "key_last8", "created_at", "updated_at",
            "last_used_at");

    private AuditTrail() {
    }

    /** {@code key.created}: every audited field the new key has a value for, from {@code null}. */
    static AuditEvent created(WidgetKey key, Actor actor, Instant now) {
        return event(AuditAction.CREATED, null, key, actor, now);
    }

    /** {@code key.deleted}: no changes, the key is gone. */
    static AuditEvent deleted(WidgetKey key, Actor actor, Instant now) {
        return new AuditEvent(null, now, key.accountId(), actor, AuditAction.DELETED, key.id(), key.keyLast8(), "{}");
    }

    /** {@code key.rotated}, on the old key: its new expiry and successor. */
    static AuditEvent rotated(WidgetKey before, WidgetKey after, Actor actor, Instant now) {
        return event(AuditAction.ROTATED, before, after, actor, now);
    }

    /**
     * The event of an update from {@code before} to {@code after}: {@code key.disabled} or
     * {@code key.enabled} when that changed (with whatever else changed along), else
     * {@code key.updated}.
     */
    static AuditEvent changed(WidgetKey before, WidgetKey after, Actor actor, Instant now) {
        AuditAction action = before.disabled() == after.disabled() ? AuditAction.UPDATED
                : after.disabled() ? AuditAction.DISABLED : AuditAction.ENABLED;
        return event(action, before, after, actor, now);
    }

    /** Logs a mutation that was applied: what it did, to which key, which fields, and who. */
    static void log(AuditEvent event) {
        LOG.atInfo().setMessage("widget key " + event.action().wire().substring("key.".length()))
                .addKeyValue("action", event.action().wire())
                .addKeyValue("key_id", event.keyId())
                .addKeyValue("account", event.accountId())
                .addKeyValue("key_last8", event.keyLast8())
                .addKeyValue("changes", String.join(",", changedFields(event.changesJson())))
                .addKeyValue("actor", event.actor().tokenId())
                .log();
    }

    private static AuditEvent event(AuditAction action, WidgetKey before, WidgetKey after, Actor actor, Instant now) {
        ObjectNode changes = JSON.createObjectNode();
        JsonNode from = before == null ? JSON.createObjectNode() : tree(before);
        for (Map.Entry<String, JsonNode> field : tree(after).properties()) {
            JsonNode old = from.path(field.getKey());
            JsonNode oldValue = old.isMissingNode() ? NullNode.getInstance() : old;
            if (!UNAUDITED.contains(field.getKey()) && !oldValue.equals(field.getValue())) {
                changes.putObject(field.getKey()).set("from", oldValue);
                ((ObjectNode) changes.get(field.getKey())).set("to", field.getValue());
            }
        }
        return new AuditEvent(null, now, after.accountId(), actor, action, after.id(), after.keyLast8(),
                changes.toString());
    }

    private static JsonNode tree(WidgetKey key) {
        try {
            return JSON.readTree(WidgetKeyJson.one(key));
        } catch (IOException e) {
            throw new UncheckedIOException("the admin API's own JSON always parses", e);
        }
    }

    private static List<String> changedFields(String changesJson) {
        try {
            List<String> names = new ArrayList<>();
            JSON.readTree(changesJson).fieldNames().forEachRemaining(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("changes are the admin API's own JSON", e);
        }
    }
}
