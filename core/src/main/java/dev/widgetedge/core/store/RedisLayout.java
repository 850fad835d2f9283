package dev.widgetedge.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
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
 * we:v1:wk:{&lt;key id&gt;}          HASH  one widget key (fields below); the gateway's one read
 * we:v1:acct:{&lt;account&gt;}:wk     ZSET  the account's key ids, scored by created_at (ms)
 * we:v1:tok:{&lt;token digest&gt;}    HASH  one admin token's metadata; the admin API's auth read
 * we:v1:toks                      HASH  token id -&gt; token digest, for list and revoke
 * we:v1:accounts                  SET   every account with a key: where a scan of all key ids starts
 * we:v1:meta                      HASH  facts about the layout: accounts_indexed = 1 once the set is complete
 * we:v1:invalidations             pub/sub channel of {@link Invalidation}s
 * </pre>
 *
 * <p>Widget key hash fields: {@code id, account_id, name, agent_id, domain_allowlist} (JSON
 * array), {@code key_last8, digest} (SHA-256 hex of the key), {@code created_at, updated_at,
 * disabled_at, last_used_at} (epoch milliseconds; empty string for null) and {@code version}.
 *
 * <p>The braces are Redis Cluster hash tags: a key's record is one slot, so a read, a conditional
 * write and the publish that goes with it are single-slot operations. Four scripts write a second
 * slot: creating and hard-deleting a key (the account index) and creating and revoking a token
 * (the token index); {@code docs/redis.md} says how they would be split on a cluster.
 */
final class RedisLayout {

    static final String PREFIX = "we:v1:";
    static final String INVALIDATION_CHANNEL = PREFIX + "invalidations";
    static final String TOKEN_INDEX = PREFIX + "toks";
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
    static final String F_VERSION = "version";

    static final String F_TOKEN_ALL_ACCOUNTS = "all_accounts";
    static final String F_TOKEN_ACCOUNTS = "accounts";
    static final String F_TOKEN_LAST8 = "last8";

    private static final ObjectMapper JSON = new ObjectMapper();
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

    static String token(String digest) {
        return PREFIX + "tok:{" + digest + "}";
    }

    /** The user-settable and creation fields of a key, as hash field/value pairs. */
    static Map<String, String> userFields(WidgetKey key) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(F_NAME, key.name());
        fields.put(F_AGENT_ID, nullable(key.agentId()));
        fields.put(F_ALLOWLIST, toJson(key.domainAllowlist()));
        fields.put(F_UPDATED_AT, millis(key.updatedAt()));
        fields.put(F_DISABLED_AT, millis(key.disabledAt()));
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
        fields.putAll(userFields(key));
        return fields;
    }

    /** Decodes a key's hash; {@code null} for an empty (missing) hash. */
    static StoredWidgetKey readRecord(Map<String, String> hash) {
        if (hash == null || hash.isEmpty()) {
            return null;
        }
        WidgetKey key = new WidgetKey(
                UUID.fromString(hash.get(F_ID)),
                hash.get(F_ACCOUNT_ID),
                hash.get(F_NAME),
                emptyToNull(hash.get(F_AGENT_ID)),
                fromJson(hash.get(F_ALLOWLIST)),
                hash.get(F_KEY_LAST8),
                instant(hash.get(F_CREATED_AT)),
                instant(hash.get(F_UPDATED_AT)),
                instant(hash.get(F_DISABLED_AT)),
                instant(hash.get(F_LAST_USED_AT)));
        return new StoredWidgetKey(key, Long.parseLong(hash.get(F_VERSION)));
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

    private static String nullable(String value) {
        return value == null ? "" : value;
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
