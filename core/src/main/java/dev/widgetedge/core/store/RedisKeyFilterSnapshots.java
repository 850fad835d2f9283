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

    private final RedisConnector redis;

    RedisKeyFilterSnapshots(RedisConnector redis) {
        this.redis = redis;
    }

    @Override
    public String name() {
        return RedisLayout.KEY_FILTER;
    }

    /** A key of another type is reported (once per load) and read as no snapshot: the next save replaces it. */
    @Override
    public CompletionStage<Optional<byte[]>> load() {
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
