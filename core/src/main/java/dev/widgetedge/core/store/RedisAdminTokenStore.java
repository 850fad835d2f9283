package dev.widgetedge.core.store;

import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.core.token.AdminTokenStore;
import io.lettuce.core.RedisFuture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Admin tokens on Redis; the layout is described in {@link RedisLayout}. */
public final class RedisAdminTokenStore implements AdminTokenStore {

    /** KEYS: token record, token index. ARGV: token id, digest, field/value pairs. */
    private static final RedisScript INSERT = new RedisScript("""
            redis.call('HSET', KEYS[1], unpack(ARGV, 3))
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            return 1
            """);

    /** KEYS: token record, token index. ARGV: token id, digest the index must still hold. */
    private static final RedisScript REVOKE = new RedisScript("""
            if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            return 1
            """);

    private final RedisConnector redis;

    /** A store on {@code redis}; the connector stays the caller's to close. */
    public RedisAdminTokenStore(RedisConnector redis) {
        this.redis = redis;
    }

    @Override
    public CompletionStage<Optional<AdminToken>> findByDigest(String digest) {
        return redis.call(commands -> commands.hgetall(RedisLayout.token(digest))
                .thenApply(hash -> Optional.ofNullable(RedisLayout.readToken(hash))));
    }

    @Override
    public CompletionStage<Void> insert(AdminToken token, String digest) {
        List<String> args = new ArrayList<>(List.of(token.id(), digest));
        RedisLayout.tokenRecord(token).forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        String[] keys = {RedisLayout.token(digest), RedisLayout.TOKEN_INDEX};
        return redis.call(commands -> INSERT.run(commands, keys, args.toArray(String[]::new)))
                .thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<List<AdminToken>> list() {
        return redis.call(commands -> commands.hvals(RedisLayout.TOKEN_INDEX).thenCompose(digests -> {
            List<RedisFuture<Map<String, String>>> reads = new ArrayList<>(digests.size());
            for (String digest : digests) {
                reads.add(commands.hgetall(RedisLayout.token(digest)));
            }
            return CompletableFuture.allOf(reads.stream()
                            .map(RedisFuture::toCompletableFuture)
                            .toArray(CompletableFuture[]::new))
                    .thenApply(done -> reads.stream()
                            .map(read -> RedisLayout.readToken(read.toCompletableFuture().join()))
                            .filter(Objects::nonNull)
                            .sorted(Comparator.comparing(AdminToken::createdAt).thenComparing(AdminToken::id))
                            .toList());
        }));
    }

    @Override
    public CompletionStage<Boolean> revoke(String id) {
        return redis.call(commands -> commands.hget(RedisLayout.TOKEN_INDEX, id).thenCompose(digest -> {
            if (digest == null) {
                return CompletableFuture.completedFuture(false);
            }
            String[] keys = {RedisLayout.token(digest), RedisLayout.TOKEN_INDEX};
            return REVOKE.run(commands, keys, id, digest).thenApply(applied -> applied == 1L);
        }));
    }
}
