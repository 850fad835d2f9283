package dev.widgetedge.core.store;

import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.audit.AuditQuery;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.report.HourlyTraffic;
import dev.widgetedge.core.report.ReportLimits;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.widget.WidgetKey;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The widget-key store on Redis; the layout is described in {@link RedisLayout}. Each mutation
 * is one Lua script that checks its condition, writes, appends its audit event and publishes the
 * invalidation, so a mutation, its event and its invalidation are applied together or not at all.
 *
 * <p>A Redis script is atomic (nothing else runs while it does) but not transactional: a command
 * that fails half-way leaves the writes before it in place. So every script first reads and checks
 * all it needs (conditions, the type of every key it writes, the ids its stream entries get) and
 * only then writes, with commands that cannot fail on what it checked.
 */
public final class RedisWidgetKeyStore implements WidgetKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisWidgetKeyStore.class);

    /** A script's answer when a key it would write holds data of another type: nothing was written. */
    private static final long WRONG_TYPE = -1;

    /**
     * Lua shared by the mutation scripts: type checks, audit appends whose ids are known in
     * advance, and {@code announce}, which publishes an invalidation and appends it to the change
     * log. Effects replication is asked for because the scripts read the clock and let the server
     * choose stream ids (Redis 7 always replicates effects).
     */
    private static final String PRELUDE = """
            redis.replicate_commands()
            local function is_type(key, wanted)
              local found = redis.call('TYPE', key)['ok']
              return found == 'none' or found == wanted
            end
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function last_id(stream)
              if redis.call('EXISTS', stream) == 0 then return 0, -1 end
              local info = redis.call('XINFO', 'STREAM', stream)
              for i = 1, #info, 2 do
                if info[i] == 'last-generated-id' then
                  local ms, seq = string.match(info[i + 1], '^(%d+)-(%d+)$')
                  return tonumber(ms), tonumber(seq)
                end
              end
              return 0, -1
            end
            -- The first id after every stream's last one, and not before now: an XADD with it cannot fail.
            local function first_free_id(now, streams)
              local ms, seq = now, 0
              for _, stream in ipairs(streams) do
                local last_ms, last_seq = last_id(stream)
                if last_ms > ms then ms, seq = last_ms, last_seq + 1
                elseif last_ms == ms and last_seq >= seq then seq = last_seq + 1 end
              end
              return ms, seq
            end
            local function streams_ok(log, events)
              if not is_type(log, 'stream') then return false end
              for _, event in ipairs(events) do
                if not is_type(event[1], 'stream') then return false end
              end
              return true
            end
            -- events: {key index stream, key id, event JSON}, appended in order (JSON '' = none).
            local function append_events(log, max_events, retention_ms, events)
              local streams = {log}
              for _, event in ipairs(events) do table.insert(streams, event[1]) end
              local now = now_ms()
              local ms, seq = first_free_id(now, streams)
              local oldest = string.format('%.0f-0', math.max(0, now - retention_ms))
              for _, event in ipairs(events) do
                if event[3] ~= '' then
                  local id = string.format('%.0f-%.0f', ms, seq)
                  redis.call('XADD', log, 'MAXLEN', max_events, id, 'key_id', event[2], 'event', event[3])
                  redis.call('XADD', event[1], 'MAXLEN', max_events, id, 'e', '')
                  redis.call('XTRIM', event[1], 'MINID', oldest)
                  redis.call('PEXPIRE', event[1], retention_ms)
                  seq = seq + 1
                end
              end
              redis.call('XTRIM', log, 'MINID', oldest)
              if redis.call('EXISTS', log) == 1 then redis.call('PEXPIRE', log, retention_ms) end
            end
            """ + """
            -- Publishes an invalidation and appends it to the change log, trimming what the log
            -- no longer keeps by the new entry's own time.
            local function announce(channel, message, changes)
              redis.call('PUBLISH', channel, message)
              local id = redis.call('XADD', changes, '*', '%s', message)
              local ms = tonumber(string.match(id, '^(%%d+)'))
              redis.call('XTRIM', changes, 'MINID', '~', string.format('%%d', ms - %d))
            end
            """.formatted(RedisLayout.F_CHANGE, WidgetKeyStore.CHANGE_LOG_RETENTION.toMillis());

    /**
     * KEYS: record, account index, account set, audit log, audit key index, change log. ARGV: score,
     * id, channel, message, account, max events, retention ms, event JSON, field/value pairs.
     */
    private static final RedisScript INSERT = new RedisScript(PRELUDE + """
            local events = {{KEYS[5], ARGV[2], ARGV[8]}}
            if not is_type(KEYS[1], 'hash') or not is_type(KEYS[2], 'zset') or not is_type(KEYS[3], 'set')
                or not streams_ok(KEYS[4], events) or not is_type(KEYS[6], 'stream') then
              return -1
            end
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], unpack(ARGV, 9))
            redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
            redis.call('SADD', KEYS[3], ARGV[5])
            append_events(KEYS[4], ARGV[6], tonumber(ARGV[7]), events)
            announce(ARGV[3], ARGV[4], KEYS[6])
            return 1
            """);

    /**
     * KEYS: record, audit log, audit key index, change log. ARGV: expected version, id, channel,
     * message, max events, retention ms, event JSON, field/value pairs.
     */
    private static final RedisScript REPLACE = new RedisScript(PRELUDE + """
            local events = {{KEYS[3], ARGV[2], ARGV[7]}}
            if not is_type(KEYS[1], 'hash') or not streams_ok(KEYS[2], events) or not is_type(KEYS[4], 'stream') then
              return -1
            end
            if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], unpack(ARGV, 8))
            redis.call('HINCRBY', KEYS[1], 'version', 1)
            append_events(KEYS[2], ARGV[5], tonumber(ARGV[6]), events)
            announce(ARGV[3], ARGV[4], KEYS[4])
            return 1
            """);

    /**
     * KEYS: record, account index, audit log, audit key index, change log. ARGV: expected version,
     * id, channel, message, max events, retention ms, event JSON.
     */
    private static final RedisScript REMOVE_UNUSED = new RedisScript(PRELUDE + """
            local events = {{KEYS[4], ARGV[2], ARGV[7]}}
            if not is_type(KEYS[1], 'hash') or not is_type(KEYS[2], 'zset') or not streams_ok(KEYS[3], events)
                or not is_type(KEYS[5], 'stream') then
              return -1
            end
            local state = redis.call('HMGET', KEYS[1], 'version', 'last_used_at')
            if state[1] ~= ARGV[1] or state[2] ~= '' then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[2])
            append_events(KEYS[3], ARGV[5], tonumber(ARGV[6]), events)
            announce(ARGV[3], ARGV[4], KEYS[5])
            return 1
            """);

    /**
     * KEYS: old record, new record, account index, audit log, old key's audit index, new key's
     * audit index, change log. ARGV: old version, old id, new id, new score, channel, old message, new message,
     * max events, retention ms, old event JSON, new event JSON, number of old field/value pairs,
     * the old key's pairs, then the new key's pairs. Answers 1 rotated, 0 conflict, 2 id taken.
     * (The account is in the account set already: it has the old key.)
     */
    private static final RedisScript ROTATE = new RedisScript(PRELUDE + """
            local events = {{KEYS[5], ARGV[2], ARGV[10]}, {KEYS[6], ARGV[3], ARGV[11]}}
            if not is_type(KEYS[1], 'hash') or not is_type(KEYS[2], 'hash') or not is_type(KEYS[3], 'zset')
                or not streams_ok(KEYS[4], events) or not is_type(KEYS[7], 'stream') then
              return -1
            end
            if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
            if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
            local old_end = 12 + 2 * tonumber(ARGV[12])
            redis.call('HSET', KEYS[1], unpack(ARGV, 13, old_end))
            redis.call('HINCRBY', KEYS[1], 'version', 1)
            redis.call('HSET', KEYS[2], unpack(ARGV, old_end + 1))
            redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
            append_events(KEYS[4], ARGV[8], tonumber(ARGV[9]), events)
            announce(ARGV[5], ARGV[6], KEYS[7])
            announce(ARGV[5], ARGV[7], KEYS[7])
            return 1
            """);

    /**
     * KEYS: records. ARGV: for each, the time it was used (epoch ms). Keeps the latest use; never
     * creates a record. Returns how many it wrote.
     */
    private static final RedisScript RECORD_USAGE = new RedisScript("""
            local written = 0
            for i, record in ipairs(KEYS) do
              local last = redis.call('HGET', record, 'last_used_at')
              if last and (last == '' or tonumber(last) < tonumber(ARGV[i])) then
                redis.call('HSET', record, 'last_used_at', ARGV[i])
                written = written + 1
              end
            end
            return written
            """);

    /**
     * KEYS: change log. ARGV: position to read after (empty: start a reading), the cursor's read
     * time (epoch ms), the age in ms past which a cursor has a gap, the most entries to return.
     * Returns {@code {now ms, gap 0|1, next position, message…}}. Reads only.
     */
    private static final RedisScript CHANGES_SINCE = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function head()
              local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
              if #last == 0 then return '0-0' end
              return last[1][1]
            end
            if ARGV[1] == '' then return {string.format('%d', now), 0, head()} end
            if now - tonumber(ARGV[2]) > tonumber(ARGV[3]) then return {string.format('%d', now), 1, head()} end
            local entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', tonumber(ARGV[4]))
            local reply = {string.format('%d', now), 0, ARGV[1]}
            for i, entry in ipairs(entries) do
              reply[3] = entry[1]
              reply[3 + i] = entry[2][2]
            end
            return reply
            """);


    /**
     * Several keys' counts, each key as one step. KEYS: per key its record, origin report hour and
     * usage day. ARGV: the distinct-origin cap, the number of outcomes and the outcomes, then per
     * key: report expires at (unix ms), usage expires at (unix ms), allowed, denied, rate limited,
     * the number of rows, and per row: origin, outcome, requests, first seen ms, last seen ms.
     * Writes nothing for a key that no longer exists, nor for one whose report or usage holds data
     * of another type, checked before any of that key's writes. Replies with the positions (from 1)
     * of the keys skipped for the type.
     */
    private static final RedisScript RECORD_TRAFFIC = new RedisScript("""
            local cap = tonumber(ARGV[1])
            local outcome_count = tonumber(ARGV[2])
            local fixed = {['(missing)'] = true, ['(invalid)'] = true, ['null'] = true, ['(other)'] = true}
            local columns = {'allowed', 'denied', 'rate_limited'}
            local wrong = {}
            local a = 3 + outcome_count
            for k = 1, #KEYS / 3 do
              local record, hour, day = KEYS[3 * k - 2], KEYS[3 * k - 1], KEYS[3 * k]
              local report_expiry, usage_expiry = ARGV[a], ARGV[a + 1]
              local usage_at = a + 2
              local first_row = a + 6
              a = first_row + 5 * tonumber(ARGV[a + 5])
              local typed = true
              for _, key in ipairs({hour, day}) do
                local found = redis.call('TYPE', key)['ok']
                if found ~= 'none' and found ~= 'hash' then typed = false end
              end
              if not typed then
                wrong[#wrong + 1] = k
              elseif redis.call('EXISTS', record) == 1 then
                local function kept(origin)
                  for j = 1, outcome_count do
                    if redis.call('HEXISTS', hour, ARGV[2 + j] .. ' ' .. origin) == 1 then return true end
                  end
                  return false
                end
                for i = first_row, a - 1, 5 do
                  local origin = ARGV[i]
                  if not fixed[origin] and not kept(origin) then
                    if tonumber(redis.call('HGET', hour, '#') or '0') >= cap then
                      origin = '(other)'
                    else
                      redis.call('HINCRBY', hour, '#', 1)
                    end
                  end
                  local field = ARGV[i + 1] .. ' ' .. origin
                  local requests, first, last = tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
                  local held = redis.call('HGET', hour, field)
                  local r, f, l
                  if held then r, f, l = string.match(held, '^(%d+) (%d+) (%d+)$') end
                  if r then
                    requests = requests + tonumber(r)
                    first = math.min(first, tonumber(f))
                    last = math.max(last, tonumber(l))
                  end
                  redis.call('HSET', hour, field, string.format('%.0f %.0f %.0f', requests, first, last))
                end
                redis.call('PEXPIREAT', hour, report_expiry)
                for j = 1, 3 do
                  local add = tonumber(ARGV[usage_at + j - 1])
                  if add > 0 then redis.call('HINCRBY', day, columns[j], add) end
                end
                if redis.call('EXISTS', day) == 1 then redis.call('PEXPIREAT', day, usage_expiry) end
              end
            end
            return wrong
            """);

    private final RedisConnector redis;
    private final RedisKeyIdScan scan;
    private final RedisKeyFilterSnapshots snapshots;
    private final AuditLimits auditLimits;
    private final RedisRateCountStore rateCounts;

    /** A store on {@code redis} whose audit log keeps events for the default retention. */
    public RedisWidgetKeyStore(RedisConnector redis) {
        this(redis, AuditLimits.defaults());
    }

    /** A store on {@code redis}; the connector stays the caller's to close. */
    public RedisWidgetKeyStore(RedisConnector redis, AuditLimits auditLimits) {
        this.redis = redis;
        this.scan = new RedisKeyIdScan(redis);
        this.snapshots = new RedisKeyFilterSnapshots(redis);
        this.auditLimits = auditLimits;
        this.rateCounts = new RedisRateCountStore(redis);
    }

    @Override
    public CompletionStage<List<WidgetKey>> listByAccount(String accountId) {
        return redis.call(commands -> commands.zrevrange(RedisLayout.accountIndex(accountId), 0, -1)
                .thenCompose(ids -> {
                    // Lettuce pipelines these on the one connection: one round trip for all.
                    List<RedisFuture<Map<String, String>>> reads = new ArrayList<>(ids.size());
                    for (String id : ids) {
                        reads.add(commands.hgetall(RedisLayout.widgetKey(UUID.fromString(id))));
                    }
                    return allOf(reads).thenApply(done -> {
                                List<WidgetKey> keys = new ArrayList<>(reads.size());
                                for (RedisFuture<Map<String, String>> read : reads) {
                                    StoredWidgetKey stored = RedisLayout.readRecord(read.toCompletableFuture().join());
                                    // An index entry without its record cannot happen with the
                                    // scripts above; skipping it keeps a listing readable anyway.
                                    if (stored != null && stored.key().accountId().equals(accountId)) {
                                        keys.add(stored.key());
                                    }
                                }
                                return keys;
                            });
                }));
    }

    @Override
    public CompletionStage<Optional<StoredWidgetKey>> findById(UUID id) {
        return redis.call(commands -> commands.hgetall(RedisLayout.widgetKey(id))
                .thenApply(hash -> Optional.ofNullable(RedisLayout.readRecord(hash))));
    }

    /**
     * From the account indexes (see {@link RedisKeyIdScan}); each call is bounded by the store
     * timeout, and a failed call fails the scan.
     */
    @Override
    public CompletionStage<Void> scanKeyIds(Consumer<UUID> sink) {
        return scan.scan(sink);
    }

    /**
     * Makes sure the set of accounts that {@link #scanKeyIds} starts from is complete, for keys
     * created before the set was kept. Idempotent; the admin API runs it at start.
     */
    public CompletionStage<Void> indexAccounts() {
        return scan.indexAccounts();
    }

    @Override
    public CompletionStage<OptionalLong> versionOf(UUID id) {
        return redis.call(commands -> commands.hget(RedisLayout.widgetKey(id), RedisLayout.F_VERSION)
                .thenApply(version -> version == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(version))));
    }

    @Override
    public CompletionStage<Optional<StoredWidgetKey>> findByKey(KeyLookup lookup) {
        return redis.call(commands -> commands.hgetall(RedisLayout.widgetKey(lookup.id()))
                .thenApply(hash -> {
                    String digest = hash == null ? null : hash.get(RedisLayout.F_DIGEST);
                    if (digest == null || !KeyDigest.constantTimeEquals(digest, lookup.digest())) {
                        return Optional.empty();
                    }
                    return Optional.of(RedisLayout.readRecord(hash));
                }));
    }

    @Override
    public CompletionStage<Boolean> insert(WidgetKey key, String digest, Instant now, AuditEvent event) {
        String message = Invalidations.encode(new Invalidation(key.id(), 1, now));
        List<String> args = new ArrayList<>(List.of(RedisLayout.millis(key.createdAt()), key.id().toString(),
                RedisLayout.INVALIDATION_CHANNEL, message, key.accountId()));
        appendAuditArgs(args, event);
        appendPairs(args, RedisLayout.newRecord(key, digest));
        String[] keys = {RedisLayout.widgetKey(key.id()), RedisLayout.accountIndex(key.accountId()),
            RedisLayout.ACCOUNTS, RedisLayout.auditLog(key.accountId()),
            RedisLayout.auditKeyIndex(key.accountId(), key.id()), RedisLayout.CHANGES};
        return run(INSERT, keys, args).thenApply(applied -> applied == 1L);
    }

    @Override
    public CompletionStage<Boolean> replace(StoredWidgetKey current, WidgetKey next, Instant now, AuditEvent event) {
        WidgetKey key = current.key();
        String message = Invalidations.encode(new Invalidation(key.id(), current.version() + 1, now));
        List<String> args = new ArrayList<>(List.of(
                Long.toString(current.version()), key.id().toString(), RedisLayout.INVALIDATION_CHANNEL, message));
        appendAuditArgs(args, event);
        appendPairs(args, RedisLayout.mutableFields(next));
        String[] keys = {RedisLayout.widgetKey(key.id()), RedisLayout.auditLog(key.accountId()),
            RedisLayout.auditKeyIndex(key.accountId(), key.id()), RedisLayout.CHANGES};
        return run(REPLACE, keys, args).thenApply(applied -> applied == 1L);
    }

    @Override
    public CompletionStage<Boolean> removeUnused(StoredWidgetKey current, Instant now, AuditEvent event) {
        WidgetKey key = current.key();
        String message = Invalidations.encode(new Invalidation(key.id(), current.version() + 1, now));
        List<String> args = new ArrayList<>(List.of(Long.toString(current.version()), key.id().toString(),
                RedisLayout.INVALIDATION_CHANNEL, message));
        appendAuditArgs(args, event);
        String[] keys = {RedisLayout.widgetKey(key.id()), RedisLayout.accountIndex(key.accountId()),
            RedisLayout.auditLog(key.accountId()), RedisLayout.auditKeyIndex(key.accountId(), key.id()),
            RedisLayout.CHANGES};
        return run(REMOVE_UNUSED, keys, args).thenApply(applied -> applied == 1L);
    }

    @Override
    public CompletionStage<RotateResult> rotate(StoredWidgetKey current, WidgetKey retired, WidgetKey successor,
            String successorDigest, Instant now, AuditEvent retiredEvent, AuditEvent createdEvent) {
        WidgetKey old = current.key();
        Map<String, String> oldFields = RedisLayout.mutableFields(retired);
        List<String> args = new ArrayList<>(List.of(
                Long.toString(current.version()), old.id().toString(), successor.id().toString(),
                RedisLayout.millis(successor.createdAt()), RedisLayout.INVALIDATION_CHANNEL,
                Invalidations.encode(new Invalidation(old.id(), current.version() + 1, now)),
                Invalidations.encode(new Invalidation(successor.id(), 1, now)),
                Integer.toString(auditLimits.maxEvents()),
                Long.toString(auditLimits.retention().toMillis()),
                eventArg(retiredEvent), eventArg(createdEvent), Integer.toString(oldFields.size())));
        appendPairs(args, oldFields);
        appendPairs(args, RedisLayout.newRecord(successor, successorDigest));
        String[] keys = {RedisLayout.widgetKey(old.id()), RedisLayout.widgetKey(successor.id()),
            RedisLayout.accountIndex(old.accountId()), RedisLayout.auditLog(old.accountId()),
            RedisLayout.auditKeyIndex(old.accountId(), old.id()),
            RedisLayout.auditKeyIndex(old.accountId(), successor.id()), RedisLayout.CHANGES};
        return run(ROTATE, keys, args).thenApply(result -> result == 1L ? RotateResult.ROTATED
                : result == 2L ? RotateResult.ID_TAKEN : RotateResult.CONFLICT);
    }

    /**
     * Without a key: one {@code XREVRANGE} of the account's log. With a key: one of the key's index
     * stream, then the events it names from the log, pipelined (an event the log has trimmed since
     * is left out).
     */
    @Override
    public CompletionStage<Optional<List<AuditEvent>>> auditEvents(AuditQuery query) {
        String log = RedisLayout.auditLog(query.accountId());
        Range.Boundary<String> oldest = Range.Boundary.including(query.notBefore().toEpochMilli() + "-0");
        Range.Boundary<String> newest = query.before() == null
                ? Range.Boundary.unbounded() : Range.Boundary.excluding(query.before());
        Range<String> range = Range.from(oldest, newest);
        Limit limit = Limit.from(query.limit());
        return redis.call(commands -> beforeExists(commands, log, query.before()).thenCompose(exists -> {
            if (!exists) {
                return CompletableFuture.completedFuture(Optional.<List<AuditEvent>>empty());
            }
            if (query.keyId() == null) {
                return commands.xrevrange(log, range, limit)
                        .thenApply(entries -> Optional.of(events(entries)));
            }
            String index = RedisLayout.auditKeyIndex(query.accountId(), query.keyId());
            return commands.xrevrange(index, range, limit).thenCompose(ids -> {
                List<RedisFuture<List<StreamMessage<String, String>>>> reads = new ArrayList<>(ids.size());
                for (StreamMessage<String, String> id : ids) {
                    reads.add(commands.xrange(log, Range.create(id.getId(), id.getId())));
                }
                return allOf(reads).thenApply(done -> {
                    List<StreamMessage<String, String>> entries = new ArrayList<>(reads.size());
                    for (RedisFuture<List<StreamMessage<String, String>>> read : reads) {
                        entries.addAll(read.toCompletableFuture().join());
                    }
                    return Optional.of(events(entries));
                });
            });
        }));
    }

    private static CompletionStage<Boolean> beforeExists(RedisAsyncCommands<String, String> commands, String log,
            String before) {
        if (before == null) {
            return CompletableFuture.completedFuture(true);
        }
        return commands.xrange(log, Range.create(before, before)).thenApply(found -> !found.isEmpty());
    }

    private static List<AuditEvent> events(List<StreamMessage<String, String>> entries) {
        List<AuditEvent> events = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> entry : entries) {
            events.add(RedisLayout.readEvent(entry.getId(), entry.getBody().get(RedisLayout.F_EVENT)));
        }
        return events;
    }

    @Override
    public CompletionStage<Void> recordTraffic(UUID keyId, Instant hour, List<TrafficCount> counts) {
        return writeTraffic(List.of(new HourlyTraffic(keyId, hour, counts))).thenApply(skipped -> {
            if (!skipped.isEmpty()) {
                throw new StoreException("a key of " + RedisLayout.originsHour(keyId, hour)
                        + " or its usage day holds data of an unexpected type; nothing was written");
            }
            return null;
        });
    }

    /**
     * One script for all of them: a report flush of thousands of keys is a few commands, not
     * thousands (each command a write, a reply and a wake-up of the client's I/O thread, which cost
     * more than the key's own work in Redis). A key whose report data has an unexpected type is
     * skipped, with a warning, and the others written: failing the call would have them written
     * again by the next flush.
     */
    @Override
    public CompletionStage<Void> recordTraffic(List<HourlyTraffic> keys) {
        return writeTraffic(keys).thenApply(skipped -> {
            for (UUID keyId : skipped) {
                LOG.warn("origin report counts of key {} not written: its report or usage data in Redis has an "
                        + "unexpected type", keyId);
            }
            return null;
        });
    }

    /** Writes the keys' counts in one script; completes with the ids of the keys skipped for their data's type. */
    private CompletionStage<List<UUID>> writeTraffic(List<HourlyTraffic> writes) {
        String[] keys = new String[3 * writes.size()];
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(ReportLimits.MAX_ORIGINS_PER_HOUR));
        args.add(Integer.toString(ReportOutcome.values().length));
        for (ReportOutcome outcome : ReportOutcome.values()) {
            args.add(outcome.wire());
        }
        for (int k = 0; k < writes.size(); k++) {
            HourlyTraffic write = writes.get(k);
            Instant hour = write.hour();
            LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
            keys[3 * k] = RedisLayout.widgetKey(write.keyId());
            keys[3 * k + 1] = RedisLayout.originsHour(write.keyId(), hour);
            keys[3 * k + 2] = RedisLayout.usageDay(write.keyId(), day);
            Instant reportExpiry = hour.plus(Duration.ofHours(1)).plus(ReportLimits.ORIGIN_RETENTION);
            Instant usageExpiry = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                    .plus(ReportLimits.USAGE_RETENTION);
            args.add(RedisLayout.millis(reportExpiry));
            args.add(RedisLayout.millis(usageExpiry));
            long[] usage = new long[ReportOutcome.UsageClass.values().length];
            for (TrafficCount count : write.counts()) {
                usage[count.outcome().usage().ordinal()] += count.requests();
            }
            for (long column : usage) {
                args.add(Long.toString(column));
            }
            args.add(Integer.toString(write.counts().size()));
            for (TrafficCount count : write.counts()) {
                args.add(count.origin());
                args.add(count.outcome().wire());
                args.add(Long.toString(count.requests()));
                args.add(RedisLayout.millis(count.firstSeen()));
                args.add(RedisLayout.millis(count.lastSeen()));
            }
        }
        return redis.call(commands -> RECORD_TRAFFIC.<List<Object>>run(commands, ScriptOutputType.MULTI, keys,
                args.toArray(String[]::new))).thenApply(skipped -> {
                    List<UUID> ids = new ArrayList<>(skipped.size());
                    for (Object position : skipped) {
                        ids.add(writes.get(((Long) position).intValue() - 1).keyId());
                    }
                    return ids;
                });
    }

    @Override
    public CompletionStage<List<TrafficCount>> originCounts(UUID keyId, List<Instant> hours) {
        return redis.call(commands -> {
            List<RedisFuture<Map<String, String>>> reads = new ArrayList<>(hours.size());
            for (Instant hour : hours) {
                reads.add(commands.hgetall(RedisLayout.originsHour(keyId, hour)));
            }
            return allOf(reads).thenApply(done -> {
                List<TrafficCount> rows = new ArrayList<>();
                for (RedisFuture<Map<String, String>> read : reads) {
                    read.toCompletableFuture().join().forEach((field, value) -> {
                        TrafficCount row = RedisLayout.readOriginRow(field, value);
                        if (row != null) {
                            rows.add(row);
                        }
                    });
                }
                return rows;
            });
        });
    }

    @Override
    public CompletionStage<List<UsageDay>> usageDays(UUID keyId, List<LocalDate> days) {
        return redis.call(commands -> {
            List<RedisFuture<Map<String, String>>> reads = new ArrayList<>(days.size());
            for (LocalDate day : days) {
                reads.add(commands.hgetall(RedisLayout.usageDay(keyId, day)));
            }
            return allOf(reads).thenApply(done -> {
                List<UsageDay> result = new ArrayList<>();
                for (int i = 0; i < days.size(); i++) {
                    Map<String, String> hash = reads.get(i).toCompletableFuture().join();
                    if (!hash.isEmpty()) {
                        result.add(RedisLayout.readUsageDay(days.get(i), hash));
                    }
                }
                return result;
            });
        });
    }

    @Override
    public CompletionStage<Void> recordUsage(UUID id, Instant usedAt) {
        return recordUsages(Map.of(id, usedAt));
    }

    /** One script for all of them: a flush of thousands of marks is one command, not thousands. */
    @Override
    public CompletionStage<Void> recordUsages(Map<UUID, Instant> uses) {
        String[] keys = new String[uses.size()];
        String[] times = new String[uses.size()];
        int i = 0;
        for (Map.Entry<UUID, Instant> use : uses.entrySet()) {
            keys[i] = RedisLayout.widgetKey(use.getKey());
            times[i] = RedisLayout.millis(use.getValue());
            i++;
        }
        return redis.call(commands -> RECORD_USAGE.run(commands, keys, times)).thenApply(ignored -> null);
    }

    /**
     * One script (a read of the stream and the server's clock). A message in the log that is not
     * an invalidation is skipped with a warning, like one on the channel.
     */
    @Override
    public CompletionStage<ChangeBatch> changesSince(ChangeCursor after, int max) {
        String[] keys = {RedisLayout.CHANGES};
        long gapAfterMillis = WidgetKeyStore.CHANGE_LOG_RETENTION.toMillis() / 2;
        String[] args = {after == null ? "" : after.position(), after == null ? "0" : Long.toString(after.readAtMillis()),
                Long.toString(gapAfterMillis), Integer.toString(max)};
        return redis.call(commands -> CHANGES_SINCE.<List<Object>>run(commands, ScriptOutputType.MULTI, keys, args))
                .thenApply(reply -> {
                    ChangeCursor next = new ChangeCursor((String) reply.get(2), Long.parseLong((String) reply.get(0)));
                    if (after == null) {
                        return ChangeBatch.start(next);
                    }
                    if ((Long) reply.get(1) == 1L) {
                        return ChangeBatch.gapBefore(next);
                    }
                    List<Invalidation> changes = new ArrayList<>(reply.size() - 3);
                    for (Object message : reply.subList(3, reply.size())) {
                        try {
                            changes.add(Invalidations.decode((String) message));
                        } catch (IllegalArgumentException e) {
                            // Skipping it would vouch for a change nobody read (a newer writer's
                            // format, say): the reader must treat the log as broken here.
                            LOG.warn("an entry in {} cannot be read ({}): reported as a gap", RedisLayout.CHANGES,
                                    e.getMessage());
                            return ChangeBatch.gapBefore(next);
                        }
                    }
                    return new ChangeBatch(changes, next, reply.size() - 3 < max, false);
                });
    }

    /** One string key, {@code we:v1:keyfilter}, with a lease key beside it (see {@link RedisKeyFilterSnapshots}). */
    @Override
    public KeyFilterSnapshots keyFilterSnapshots() {
        return snapshots;
    }

    @Override
    public Subscription subscribe(InvalidationListener listener) {
        CompletionStage<StatefulRedisPubSubConnection<String, String>> connecting = redis.connectPubSub();
        connecting.thenAccept(connection -> {
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    Invalidation invalidation;
                    try {
                        invalidation = Invalidations.decode(message);
                    } catch (IllegalArgumentException e) {
                        LOG.warn("ignoring a malformed message on {}: {}", channel, e.getMessage());
                        return;
                    }
                    listener.onInvalidation(invalidation);
                }

                @Override
                public void subscribed(String channel, long count) {
                    // Lettuce re-subscribes after every reconnect; whatever was published in
                    // between is lost, so every cached entry has to be treated as stale.
                    LOG.info("subscribed to {}", channel);
                    listener.onResubscribed();
                }
            });
            connection.async().subscribe(RedisLayout.INVALIDATION_CHANNEL);
        });
        return new Subscription() {
            /**
             * A {@code PING} on the subscription's own connection: Redis answers it after every
             * message it pushed to this connection before, and the client reads both in order, so
             * when the answer arrives every earlier invalidation has been passed to the listener.
             */
            @Override
            public CompletionStage<Void> caughtUp() {
                StatefulRedisPubSubConnection<String, String> connection = connecting.toCompletableFuture().getNow(null);
                if (connection == null || !connection.isOpen()) {
                    return CompletableFuture.completedFuture(null);
                }
                return connection.async().ping().toCompletableFuture().handle((pong, error) -> {
                    if (error != null) {
                        throw new StoreException("Redis did not answer on the subscription: " + error.getMessage(), error);
                    }
                    return null;
                });
            }

            @Override
            public void close() {
                connecting.thenAccept(StatefulRedisPubSubConnection::close);
            }
        };
    }

    @Override
    public CompletionStage<Void> ping() {
        return redis.call(commands -> commands.ping()).thenApply(pong -> null);
    }

    private CompletionStage<Long> run(RedisScript script, String[] keys, List<String> args) {
        return redis.call(commands -> script.run(commands, keys, args.toArray(String[]::new))).thenApply(result -> {
            if (result == WRONG_TYPE) {
                throw new StoreException("a key of " + keys[0] + " holds data of an unexpected type; nothing was written");
            }
            return result;
        });
    }

    /** The audit arguments every mutation script takes: max events, retention (ms), the event's JSON. */
    private void appendAuditArgs(List<String> args, AuditEvent event) {
        args.add(Integer.toString(auditLimits.maxEvents()));
        args.add(Long.toString(auditLimits.retention().toMillis()));
        args.add(eventArg(event));
    }

    /** The event's JSON, or {@code ""} for none (a store seeded by a tool). */
    private static String eventArg(AuditEvent event) {
        return event == null ? "" : RedisLayout.eventJson(event);
    }

    private static <T> CompletableFuture<Void> allOf(List<RedisFuture<T>> futures) {
        return CompletableFuture.allOf(futures.stream().map(RedisFuture::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    /** The rate-limit counts, on the same connection. */
    @Override
    public Optional<RateCountStore> rateCounts() {
        return Optional.of(rateCounts);
    }

    private static void appendPairs(List<String> args, Map<String, String> fields) {
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
    }
}
