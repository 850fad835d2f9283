package dev.widgetedge.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.widgetedge.core.audit.Actor;
import dev.widgetedge.core.audit.AuditAction;
import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.core.widget.KeyMode;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Everything widget-edge keeps in Redis, in one place. All names start with a versioned prefix,
 * so a future layout can live beside this one during a migration.
 *
 * <pre>
 * we:v1:wk:{&lt;key id&gt;}                       HASH    one widget key (fields below); the gateway's one read
 * we:v1:acct:{&lt;account&gt;}:wk                  ZSET    the account's key ids, scored by created_at (ms)
 * we:v1:audit:{&lt;account&gt;}                    STREAM  the account's audit log, oldest first
 * we:v1:audit:{&lt;account&gt;}:key:&lt;key id&gt;     STREAM  the ids of one key's events in that log (same ids)
 * we:v1:origins:{&lt;key id&gt;}:&lt;yyyyMMddHH&gt;     HASH    one key's origin report for one UTC hour
 * we:v1:usage:{&lt;key id&gt;}:&lt;yyyyMMdd&gt;         HASH    one key's usage on one UTC day
 * we:v1:tok:{&lt;token digest&gt;}                 HASH    one admin token's metadata; the admin API's auth read
 * we:v1:toks                                   HASH    token id -&gt; token digest, for list and revoke
 * we:v1:accounts                               SET     every account with a key: where a scan of all key ids starts
 * we:v1:meta                                   HASH    facts about the layout: accounts_indexed = 1 once the set is complete
 * we:v1:invalidations                          pub/sub channel of {@link Invalidation}s
 * we:v1:changes                               STREAM  the change log: one entry per mutation, field m = the
 *                                              same message as the publish, kept {@link WidgetKeyStore#CHANGE_LOG_RETENTION}
 * we:v1:keyfilter                             STRING  the gateways' shared existence-filter snapshot (their binary
 *                                              format, docs/redis.md), with the change-log position it covers
 * we:v1:keyfilter:lease                        STRING  held (SET NX PX) by the gateway refreshing that snapshot this minute
 * </pre>
 *
 * <p>Widget key hash fields: {@code id, account_id, name, agent_id, domain_allowlist} (JSON
 * array), {@code key_last8, digest} (SHA-256 hex of the key), {@code created_at, updated_at,
 * disabled_at, last_used_at, expires_at} (epoch milliseconds; empty string for null), {@code mode}
 * ({@code enforce} or {@code report}), {@code rate_limit_client, rate_limit_key} (the key's own
 * limits per minute, empty for the gateway's default), {@code rotated_from, replaced_by} (key ids,
 * empty for null) and {@code version}. A field added to the record later is optional: a record
 * written before it existed reads as the field's default ({@code expires_at}, {@code rotated_from}
 * and {@code replaced_by} null, {@code mode} enforce, the rate limits the gateway's), so the layout
 * stays {@code v1}.
 *
 * <p>Audit log entries have two fields: {@code key_id} and {@code event}, the event as JSON
 * ({@code at} in epoch ms, {@code account_id}, {@code actor {token_id, token_name}},
 * {@code action}, {@code key_id}, {@code key_last8}, {@code changes}); the entry's stream id is the
 * event's id. The log is trimmed to the retention and to
 * {@link dev.widgetedge.core.audit.AuditLimits#MAX_EVENTS_PER_ACCOUNT} entries on every append, and
 * expires a retention after its last append; each key's index stream likewise.
 *
 * <p>Origin report fields: {@code <outcome> <origin>} = {@code "<requests> <first seen ms> <last
 * seen ms>"}, and {@code #} = the number of distinct origins (fixed labels such as
 * {@code (missing)} not counted). Usage fields: {@code allowed}, {@code denied},
 * {@code rate_limited}. Both expire after their retention.
 *
 * <p>The braces are Redis Cluster hash tags: a key's record, its report and its usage share one
 * slot, so a read, a conditional write and the publish that goes with it, and a gateway's report
 * flush, are single-slot operations; an account's index and audit log share the account's slot.
 * The mutation scripts therefore write a second slot (the account's; a rotation a third, the new
 * key's) and the change log's, and so do creating and revoking a token (the token index); {@code docs/redis.md} says how
 * they would be split on a cluster.
 */
final class RedisLayout {

    static final String PREFIX = "we:v1:";
    static final String INVALIDATION_CHANNEL = PREFIX + "invalidations";
    static final String TOKEN_INDEX = PREFIX + "toks";
    /** STREAM of every mutation's invalidation message, field {@link #F_CHANGE}. */
    static final String CHANGES = PREFIX + "changes";
    static final String F_CHANGE = "m";
    /** STRING: the gateways' existence-filter snapshot, in the gateway's binary format. */
    static final String KEY_FILTER = PREFIX + "keyfilter";
    /** STRING held by the gateway that refreshes {@link #KEY_FILTER} in the current period. */
    static final String KEY_FILTER_LEASE = KEY_FILTER + ":lease";
    /** SET of every account that has (or had) a key: where a scan of all key ids starts. */
    static final String ACCOUNTS = PREFIX + "accounts";
    /** HASH of facts about the layout itself. */
    static final String META = PREFIX + "meta";
    /** {@link #META} field: "1" once {@link #ACCOUNTS} holds every account with a key index. */
    static final String F_ACCOUNTS_INDEXED = "accounts_indexed";
    /** A {@code SCAN MATCH} glob for every account's key index. */
    static final String ACCOUNT_INDEX_PATTERN = PREFIX + "acct:{*}:wk";
    private static final String WIDGET_KEY_TAG = "wk:{";
    /** A {@code SCAN MATCH} glob for every widget-key record. */
    static final String WIDGET_KEY_PATTERN = PREFIX + WIDGET_KEY_TAG + "*}";

    static final String F_ID = "id";
    static final String F_ACCOUNT_ID = "account_id";
    static final String F_NAME = "name";
    static final String F_AGENT_ID = "agent_id";
    static final String F_ALLOWLIST = "domain_allowlist";
    static final String F_KEY_LAST8 = "key_last8";
    static final String F_DIGEST = "digest";
    static final String F_CREATED_AT = "created_at";
    static final String F_UPDATED_AT = "updated_at";
    static final String F_DISABLED_AT = "disabled_at";
    static final String F_LAST_USED_AT = "last_used_at";
    static final String F_EXPIRES_AT = "expires_at";
    static final String F_MODE = "mode";
    static final String F_RATE_LIMIT_CLIENT = "rate_limit_client";
    static final String F_RATE_LIMIT_KEY = "rate_limit_key";
    static final String F_ROTATED_FROM = "rotated_from";
    static final String F_REPLACED_BY = "replaced_by";
    static final String F_VERSION = "version";

    /** Audit log entry fields. */
    static final String F_EVENT_KEY_ID = "key_id";
    static final String F_EVENT = "event";

    /** The origin report's count of distinct origins. */
    static final String F_DISTINCT_ORIGINS = "#";

    static final String F_TOKEN_ALL_ACCOUNTS = "all_accounts";
    static final String F_TOKEN_ACCOUNTS = "accounts";
    static final String F_TOKEN_LAST8 = "last8";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuuMMddHH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuuMMdd");
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
    };

    private RedisLayout() {
    }

    static String widgetKey(UUID id) {
        return PREFIX + WIDGET_KEY_TAG + id + "}";
    }

    /**
     * The key id in a widget-key record's name, or {@code null} when {@code redisKey} is not one
     * (a stray key that happens to match {@link #WIDGET_KEY_PATTERN}).
     */
    static UUID widgetKeyId(String redisKey) {
        int start = PREFIX.length() + WIDGET_KEY_TAG.length();
        if (!redisKey.startsWith(PREFIX + WIDGET_KEY_TAG) || !redisKey.endsWith("}")) {
            return null;
        }
        try {
            return UUID.fromString(redisKey.substring(start, redisKey.length() - 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String accountIndex(String accountId) {
        return PREFIX + "acct:{" + accountId + "}:wk";
    }

    /** The account of an account index's name, or {@code null} when {@code redisKey} is not one. */
    static String accountOfIndex(String redisKey) {
        String head = PREFIX + "acct:{";
        String tail = "}:wk";
        if (!redisKey.startsWith(head) || !redisKey.endsWith(tail) || redisKey.length() <= head.length() + tail.length()) {
            return null;
        }
        return redisKey.substring(head.length(), redisKey.length() - tail.length());
    }

    /** A key id as an index stores it, or {@code null} for anything else. */
    static UUID keyIdOrNull(String member) {
        try {
            return UUID.fromString(member);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String auditLog(String accountId) {
        return PREFIX + "audit:{" + accountId + "}";
    }

    static String auditKeyIndex(String accountId, UUID keyId) {
        return auditLog(accountId) + ":key:" + keyId;
    }

    /** One key's origin report for the UTC hour that starts at {@code hour}. */
    static String originsHour(UUID keyId, Instant hour) {
        return PREFIX + "origins:{" + keyId + "}:" + HOUR.format(hour);
    }

    /** One key's usage on one UTC day. */
    static String usageDay(UUID keyId, LocalDate day) {
        return PREFIX + "usage:{" + keyId + "}:" + DAY.format(day);
    }

    static String token(String digest) {
        return PREFIX + "tok:{" + digest + "}";
    }

    /**
     * The fields of a key that a mutation may change, as hash field/value pairs: its settings,
     * {@code updated_at, disabled_at} and its rotation links.
     */
    static Map<String, String> mutableFields(WidgetKey key) {
        Map<String, String> fields = new LinkedHashMap<>();
        KeySettings settings = key.settings();
        fields.put(F_NAME, settings.name());
        fields.put(F_AGENT_ID, nullable(settings.agentId()));
        fields.put(F_ALLOWLIST, toJson(settings.domainAllowlist()));
        fields.put(F_EXPIRES_AT, millis(settings.expiresAt()));
        fields.put(F_MODE, settings.mode().wire());
        fields.put(F_RATE_LIMIT_CLIENT, nullable(settings.rateLimits().perClientPerMinute()));
        fields.put(F_RATE_LIMIT_KEY, nullable(settings.rateLimits().perKeyPerMinute()));
        fields.put(F_UPDATED_AT, millis(key.updatedAt()));
        fields.put(F_DISABLED_AT, millis(key.disabledAt()));
        fields.put(F_ROTATED_FROM, nullable(key.rotatedFrom()));
        fields.put(F_REPLACED_BY, nullable(key.replacedBy()));
        return fields;
    }

    /** Every field of a new key's hash. */
    static Map<String, String> newRecord(WidgetKey key, String digest) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(F_ID, key.id().toString());
        fields.put(F_ACCOUNT_ID, key.accountId());
        fields.put(F_KEY_LAST8, key.keyLast8());
        fields.put(F_DIGEST, digest);
        fields.put(F_CREATED_AT, millis(key.createdAt()));
        fields.put(F_LAST_USED_AT, millis(key.lastUsedAt()));
        fields.put(F_VERSION, "1");
        fields.putAll(mutableFields(key));
        return fields;
    }

    /** Decodes a key's hash; {@code null} for an empty (missing) hash. */
    static StoredWidgetKey readRecord(Map<String, String> hash) {
        if (hash == null || hash.isEmpty()) {
            return null;
        }
        String mode = hash.get(F_MODE);
        KeySettings settings = new KeySettings(
                hash.get(F_NAME),
                emptyToNull(hash.get(F_AGENT_ID)),
                fromJson(hash.get(F_ALLOWLIST)),
                instant(hash.get(F_EXPIRES_AT)),
                mode == null || mode.isEmpty() ? KeyMode.ENFORCE : parseMode(mode),
                rateLimits(hash.get(F_RATE_LIMIT_CLIENT), hash.get(F_RATE_LIMIT_KEY)));
        WidgetKey key = new WidgetKey(
                UUID.fromString(hash.get(F_ID)),
                hash.get(F_ACCOUNT_ID),
                hash.get(F_KEY_LAST8),
                settings,
                instant(hash.get(F_CREATED_AT)),
                instant(hash.get(F_UPDATED_AT)),
                instant(hash.get(F_DISABLED_AT)),
                instant(hash.get(F_LAST_USED_AT)),
                uuid(hash.get(F_ROTATED_FROM)),
                uuid(hash.get(F_REPLACED_BY)));
        return new StoredWidgetKey(key, Long.parseLong(hash.get(F_VERSION)));
    }

    private static KeyMode parseMode(String wire) {
        KeyMode mode = KeyMode.fromWire(wire);
        if (mode == null) {
            throw new StoreException("corrupt mode in Redis record: " + wire);
        }
        return mode;
    }

    private static RateLimits rateLimits(String perClient, String perKey) {
        try {
            return new RateLimits(limit(perClient), limit(perKey));
        } catch (IllegalArgumentException e) {
            throw new StoreException("corrupt rate limit in Redis record: " + e.getMessage());
        }
    }

    /** A stored limit; {@code null} (the gateway's default) for an absent or empty field. */
    private static Integer limit(String value) {
        return value == null || value.isEmpty() ? null : Integer.valueOf(value);
    }

    /** An audit event as the JSON of its log entry (without its id, which is the entry's). */
    static String eventJson(AuditEvent event) {
        ObjectNode json = JSON.createObjectNode();
        json.put("at", event.at().toEpochMilli());
        json.put("account_id", event.accountId());
        json.putObject("actor").put("token_id", event.actor().tokenId()).put("token_name", event.actor().tokenName());
        json.put("action", event.action().wire());
        json.put("key_id", event.keyId().toString());
        json.put("key_last8", event.keyLast8());
        try {
            json.set("changes", JSON.readTree(event.changesJson()));
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("changes must be a JSON object", e);
        }
    }

    /** Decodes an audit log entry. */
    static AuditEvent readEvent(String id, String eventJson) {
        try {
            JsonNode json = JSON.readTree(eventJson);
            JsonNode actor = json.path("actor");
            AuditAction action = AuditAction.fromWire(json.path("action").asText());
            if (action == null) {
                throw new StoreException("corrupt action in audit event " + id);
            }
            return new AuditEvent(id, Instant.ofEpochMilli(json.path("at").asLong()), json.path("account_id").asText(),
                    new Actor(actor.path("token_id").asText(), actor.path("token_name").asText()), action,
                    UUID.fromString(json.path("key_id").asText()), json.path("key_last8").asText(),
                    JSON.writeValueAsString(json.path("changes")));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new StoreException("corrupt audit event " + id, e);
        }
    }

    /** One field of an origin report hash as a row; {@code null} for the distinct count or a field it cannot read. */
    static TrafficCount readOriginRow(String field, String value) {
        int space = field.indexOf(' ');
        String[] numbers = value.split(" ");
        ReportOutcome outcome = space < 0 ? null : ReportOutcome.fromWire(field.substring(0, space));
        if (outcome == null || numbers.length != 3) {
            return null;
        }
        try {
            long requests = Long.parseLong(numbers[0]);
            return requests < 1 ? null : new TrafficCount(field.substring(space + 1), outcome, requests,
                    Instant.ofEpochMilli(Long.parseLong(numbers[1])), Instant.ofEpochMilli(Long.parseLong(numbers[2])));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A usage hash as the day's usage; a missing column is 0. */
    static UsageDay readUsageDay(LocalDate day, Map<String, String> hash) {
        return new UsageDay(day, count(hash, ReportOutcome.UsageClass.ALLOWED), count(hash, ReportOutcome.UsageClass.DENIED),
                count(hash, ReportOutcome.UsageClass.RATE_LIMITED));
    }

    private static long count(Map<String, String> hash, ReportOutcome.UsageClass column) {
        String value = hash.get(column.wire());
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new StoreException("corrupt usage count: " + value, e);
        }
    }

    static Map<String, String> tokenRecord(AdminToken token) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(F_ID, token.id());
        fields.put(F_NAME, token.name());
        fields.put(F_TOKEN_ALL_ACCOUNTS, token.scope().allAccounts() ? "1" : "0");
        fields.put(F_TOKEN_ACCOUNTS, toJson(List.copyOf(token.scope().accounts())));
        fields.put(F_CREATED_AT, millis(token.createdAt()));
        fields.put(F_TOKEN_LAST8, token.last8());
        return fields;
    }

    /** Decodes a token's hash; {@code null} for an empty (missing) hash. */
    static AdminToken readToken(Map<String, String> hash) {
        if (hash == null || hash.isEmpty()) {
            return null;
        }
        AccountScope scope = "1".equals(hash.get(F_TOKEN_ALL_ACCOUNTS))
                ? AccountScope.all()
                : AccountScope.of(new TreeSet<>(fromJson(hash.get(F_TOKEN_ACCOUNTS))));
        return new AdminToken(hash.get(F_ID), hash.get(F_NAME), scope, instant(hash.get(F_CREATED_AT)),
                hash.get(F_TOKEN_LAST8));
    }

    static String millis(Instant instant) {
        return instant == null ? "" : Long.toString(instant.toEpochMilli());
    }

    private static Instant instant(String millis) {
        return millis == null || millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }

    private static String nullable(Object value) {
        return value == null ? "" : value.toString();
    }

    private static UUID uuid(String value) {
        return value == null || value.isEmpty() ? null : UUID.fromString(value);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String toJson(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serializes", e);
        }
    }

    private static List<String> fromJson(String json) {
        try {
            return JSON.readValue(json, STRING_LIST);
        } catch (JsonProcessingException e) {
            throw new StoreException("corrupt list in Redis record", e);
        }
    }
}
