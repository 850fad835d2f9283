package dev.widgetedge.core.store;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.widget.WidgetKey;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Instant;
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
 * is one Lua script that checks its condition, writes, and publishes the invalidation, so a
 * mutation and its invalidation are applied together or not at all.
 */
public final class RedisWidgetKeyStore implements WidgetKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisWidgetKeyStore.class);

    /** KEYS: record, account index, account set. ARGV: score, id, channel, message, account, field/value pairs. */
    private static final RedisScript INSERT = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], unpack(ARGV, 6))
            redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
            redis.call('SADD', KEYS[3], ARGV[5])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """);

    /** KEYS: record. ARGV: expected version, channel, message, field/value pairs. */
    private static final RedisScript REPLACE = new RedisScript("""
            if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], unpack(ARGV, 4))
            redis.call('HINCRBY', KEYS[1], 'version', 1)
            redis.call('PUBLISH', ARGV[2], ARGV[3])
            return 1
            """);

    /** KEYS: record, account index. ARGV: expected version, id, channel, message. */
    private static final RedisScript REMOVE_UNUSED = new RedisScript("""
            local state = redis.call('HMGET', KEYS[1], 'version', 'last_used_at')
            if state[1] ~= ARGV[1] or state[2] ~= '' then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[2])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """);

    /** KEYS: record. ARGV: used at (epoch ms). Never creates a record. */
    private static final RedisScript RECORD_USAGE = new RedisScript("""
            local last = redis.call('HGET', KEYS[1], 'last_used_at')
            if not last then return 0 end
            if last == '' or tonumber(last) < tonumber(ARGV[1]) then
              redis.call('HSET', KEYS[1], 'last_used_at', ARGV[1])
              return 1
            end
            return 0
            """);

    private final RedisConnector redis;
    private final RedisKeyIdScan scan;

    /** A store on {@code redis}; the connector stays the caller's to close. */
    public RedisWidgetKeyStore(RedisConnector redis) {
        this.redis = redis;
        this.scan = new RedisKeyIdScan(redis);
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
                    return CompletableFuture.allOf(reads.stream()
                                    .map(RedisFuture::toCompletableFuture)
                                    .toArray(CompletableFuture[]::new))
                            .thenApply(done -> {
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
    public CompletionStage<Boolean> insert(WidgetKey key, String digest, Instant now) {
        String message = Invalidations.encode(new Invalidation(key.id(), 1, now));
        List<String> args = new ArrayList<>(List.of(RedisLayout.millis(key.createdAt()), key.id().toString(),
                RedisLayout.INVALIDATION_CHANNEL, message, key.accountId()));
        appendPairs(args, RedisLayout.newRecord(key, digest));
        String[] keys = {RedisLayout.widgetKey(key.id()), RedisLayout.accountIndex(key.accountId()),
                RedisLayout.ACCOUNTS};
        return redis.call(commands -> INSERT.run(commands, keys, args.toArray(String[]::new)))
                .thenApply(applied -> applied == 1L);
    }

    @Override
    public CompletionStage<Boolean> replace(StoredWidgetKey current, WidgetKey next, Instant now) {
        UUID id = current.key().id();
        String message = Invalidations.encode(new Invalidation(id, current.version() + 1, now));
        List<String> args = new ArrayList<>(List.of(
                Long.toString(current.version()), RedisLayout.INVALIDATION_CHANNEL, message));
        appendPairs(args, RedisLayout.userFields(next));
        String[] keys = {RedisLayout.widgetKey(id)};
        return redis.call(commands -> REPLACE.run(commands, keys, args.toArray(String[]::new)))
                .thenApply(applied -> applied == 1L);
    }

    @Override
    public CompletionStage<Boolean> removeUnused(StoredWidgetKey current, Instant now) {
        WidgetKey key = current.key();
        String message = Invalidations.encode(new Invalidation(key.id(), current.version() + 1, now));
        String[] keys = {RedisLayout.widgetKey(key.id()), RedisLayout.accountIndex(key.accountId())};
        String[] args = {Long.toString(current.version()), key.id().toString(),
                RedisLayout.INVALIDATION_CHANNEL, message};
        return redis.call(commands -> REMOVE_UNUSED.run(commands, keys, args))
                .thenApply(applied -> applied == 1L);
    }

    @Override
    public CompletionStage<Void> recordUsage(UUID id, Instant usedAt) {
        String[] keys = {RedisLayout.widgetKey(id)};
        return redis.call(commands -> RECORD_USAGE.run(commands, keys, RedisLayout.millis(usedAt)))
                .thenApply(ignored -> null);
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

    private static void appendPairs(List<String> args, Map<String, String> fields) {
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
    }
}
