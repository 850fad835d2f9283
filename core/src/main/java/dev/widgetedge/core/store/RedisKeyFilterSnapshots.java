package dev.widgetedge.core.store;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ByteArrayOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The existence filter's snapshot in Redis: one string key holding the gateway's bytes
 * ({@link RedisLayout#KEY_FILTER}), read and written as raw bytes on the shared connection, and a
 * lease key for the periodic refresh ({@link RedisLayout#KEY_FILTER_LEASE}, {@code SET NX PX}).
 * Both are single-key commands, so they run unchanged on a cluster.
 */
final class RedisKeyFilterSnapshots implements KeyFilterSnapshots {

    private static final Logger LOG = LoggerFactory.getLogger(RedisKeyFilterSnapshots.class);

    /**
     * The longest snapshot read: 64 MiB, a filter of about 30 million keys at the gateway's sizing.
     * A store with more keys builds from its key index at every start.
     */
    static final long MAX_BYTES = 64L << 20;

    private final RedisConnector redis;

    RedisKeyFilterSnapshots(RedisConnector redis) {
        this.redis = redis;
    }

    @Override
    public String name() {
        return RedisLayout.KEY_FILTER;
    }

    /**
     * A key of another type is reported (once per load) and read as no snapshot: the next save
     * replaces it. So is a value longer than {@link #MAX_BYTES}, which is never read: its length is
     * asked first, so that whatever the key holds, a load costs bounded memory and holds the shared
     * connection for a bounded time.
     */
    @Override
    public CompletionStage<Optional<byte[]>> load() {
        return redis.call(commands -> commands.strlen(RedisLayout.KEY_FILTER)).handle((length, error) -> {
            if (error != null && !isWrongType(error)) {
                throw RedisConnector.asStoreException(error);
            }
            return error != null ? Long.valueOf(0) : length;
        }).thenCompose(length -> {
            if (length > MAX_BYTES) {
                LOG.warn("ignoring {}: {} bytes, more than the {} a key filter snapshot may have", RedisLayout.KEY_FILTER,
                        length, MAX_BYTES);
                return CompletableFuture.completedFuture(Optional.<byte[]>empty());
            }
            return read();
        });
    }

    private CompletionStage<Optional<byte[]>> read() {
        return redis.call(commands -> commands.dispatch(CommandType.GET, new ByteArrayOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(RedisLayout.KEY_FILTER)).handle((bytes, error) -> {
                    if (error == null) {
                        return Optional.ofNullable(bytes);
                    }
                    if (isWrongType(error)) {
                        LOG.warn("ignoring {}: it holds another type of value, not a key filter snapshot",
                                RedisLayout.KEY_FILTER);
                        return Optional.<byte[]>empty();
                    }
                    throw RedisConnector.asStoreException(error);
                }));
    }

    @Override
    public CompletionStage<Void> save(byte[] snapshot) {
        return redis.call(commands -> commands.dispatch(CommandType.SET, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(RedisLayout.KEY_FILTER).add(snapshot)))
                .thenApply(ok -> null);
    }

    @Override
    public CompletionStage<Boolean> claim(Duration period) {
        return redis.call(commands -> commands.set(RedisLayout.KEY_FILTER_LEASE, "1",
                SetArgs.Builder.nx().px(period.toMillis()))).thenApply("OK"::equals);
    }

    private static boolean isWrongType(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof RedisCommandExecutionException)) {
            cause = cause.getCause();
        }
        return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
                && cause.getMessage().startsWith("WRONGTYPE");
    }
}
