package dev.widgetedge.core.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce client and its shared connection, configured so that no store call can hang:
 * every command is bounded by the store timeout, and while Redis is unreachable commands fail at
 * once instead of queueing.
 *
 * <p>The process may start before Redis does: the first connection is retried in the background
 * with capped exponential backoff, and calls fail with {@link StoreException} until it succeeds.
 * After that, Lettuce reconnects by itself.
 */
public final class RedisConnector implements AutoCloseable {

    /** The default bound on one store call and on one connection attempt. */
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final RedisClient client;
    private final RedisURI uri;
    private final ScheduledExecutorService retries;
    private final CompletableFuture<StatefulRedisConnection<String, String>> connection = new CompletableFuture<>();
    private final boolean retrying;
    private volatile boolean closed;

    private RedisConnector(RedisURI uri, Duration storeTimeout, boolean retrying) {
        this.uri = uri;
        this.retrying = retrying;
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(storeTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(storeTimeout).keepAlive(true).build())
                .build());
        this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "redis-connect");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Parses {@code uri} and starts connecting in the background.
     *
     * @param uri          {@code redis://}, {@code rediss://} or {@code redis-sentinel://}
     * @param storeTimeout the bound on every command and on each connection attempt
     * @throws IllegalArgumentException if {@code uri} is not a Redis URI
     */
    public static RedisConnector start(String uri, Duration storeTimeout) {
        RedisURI redisUri = parseUri(uri);
        redisUri.setTimeout(storeTimeout);
        RedisConnector connector = new RedisConnector(redisUri, storeTimeout, true);
        connector.attempt(FIRST_RETRY);
        return connector;
    }

    /**
     * Connects once, for one-shot commands that have nothing to do without Redis: no retry, no
     * log line; a failure is the exception, for the command to report.
     *
     * @param uri          as for {@link #start}
     * @param storeTimeout the bound on the connection attempt and on every command
     * @throws StoreException naming the address and why it could not be reached
     * @throws IllegalArgumentException if {@code uri} is not a Redis URI
     */
    public static RedisConnector connectOnce(String uri, Duration storeTimeout) throws InterruptedException {
        RedisURI redisUri = parseUri(uri);
        redisUri.setTimeout(storeTimeout);
        RedisConnector connector = new RedisConnector(redisUri, storeTimeout, false);
        connector.attempt(FIRST_RETRY);
        try {
            connector.connection.get(storeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return connector;
        } catch (java.util.concurrent.TimeoutException e) {
            connector.close();
            throw new StoreException("cannot reach Redis at " + connector.describe() + " within "
                    + storeTimeout.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            connector.close();
            throw new StoreException("cannot reach Redis at " + connector.describe() + " ("
                    + plainReason(e.getCause()) + ")", e.getCause());
        }
    }

    /**
     * Validates a Redis URI without connecting.
     *
     * @throws IllegalArgumentException if it is not one: a wrong scheme, or (with the parser's
     *         exception as the cause) a URI the parser refuses
     */
    public static RedisURI parseUri(String uri) {
        if (uri == null || !(uri.startsWith("redis://") || uri.startsWith("rediss://")
                || uri.startsWith("redis-sentinel://"))) {
            throw new IllegalArgumentException("not a redis://, rediss:// or redis-sentinel:// URI");
        }
        try {
            return RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid Redis URI: " + e.getMessage(), e);
        }
    }

    /** Where this connector connects to, without credentials, for logs. */
    public String describe() {
        return uri.getSentinels().isEmpty()
                ? uri.getHost() + ":" + uri.getPort()
                : "sentinel master " + uri.getSentinelMasterId();
    }

    /**
     * Runs {@code call} on the shared connection's async commands, turning every failure
     * (not connected yet, disconnected, timeout, error reply) into a {@link StoreException}.
     */
    public <T> CompletionStage<T> call(Function<RedisAsyncCommands<String, String>, CompletionStage<T>> call) {
        StatefulRedisConnection<String, String> current = connection.getNow(null);
        if (current == null) {
            return CompletableFuture.failedFuture(new StoreException("not connected to Redis at " + describe()));
        }
        CompletionStage<T> stage;
        try {
            stage = call.apply(current.async());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(asStoreException(e));
        }
        return stage.handle((value, error) -> {
            if (error != null) {
                throw asStoreException(error);
            }
            return value;
        });
    }

    /**
     * Waits up to {@code timeout} for the first connection, for one-shot commands that have
     * nothing to do without Redis.
     *
     * @return whether the connection is established
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        try {
            connection.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** Whether the shared connection is established and currently connected. */
    public boolean isConnected() {
        StatefulRedisConnection<String, String> current = connection.getNow(null);
        return current != null && current.isOpen();
    }

    /** Opens a dedicated pub/sub connection (pub/sub needs its own), retrying like the first connect. */
    public CompletionStage<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> result = new CompletableFuture<>();
        attemptPubSub(result, FIRST_RETRY);
        return result;
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        connection.thenAccept(StatefulRedisConnection::close);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private void attempt(Duration backoff) {
        attempt(backoff, 1);
    }

    private void attempt(Duration backoff, int attempt) {
        if (closed) {
            return;
        }
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((established, error) -> {
            if (error == null) {
                LOG.atInfo().setMessage("connected to Redis").addKeyValue("redis", describe()).log();
                connection.complete(established);
                return;
            }
            if (!retrying) {
                connection.completeExceptionally(error);
                return;
            }
            // One warning per outage, not one per retry; the details stay available at debug.
            if (attempt == 1) {
                LOG.atWarn().setMessage("cannot reach Redis; retrying in the background")
                        .addKeyValue("redis", describe()).addKeyValue("error", rootMessage(error)).log();
            } else {
                LOG.debug("attempt {} to reach Redis at {} failed ({})", attempt, describe(), rootMessage(error));
            }
            schedule(() -> attempt(next(backoff), attempt + 1), backoff);
        });
    }

    private void attemptPubSub(CompletableFuture<StatefulRedisPubSubConnection<String, String>> result,
            Duration backoff) {
        if (closed) {
            result.completeExceptionally(new StoreException("closed"));
            return;
        }
        client.connectPubSubAsync(StringCodec.UTF8, uri).whenComplete((established, error) -> {
            if (error == null) {
                result.complete(established);
            } else {
                schedule(() -> attemptPubSub(result, next(backoff)), backoff);
            }
        });
    }

    private void schedule(Runnable task, Duration delay) {
        if (!closed) {
            retries.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
    }

    static StoreException asStoreException(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StoreException storeException) {
            return storeException;
        }
        return new StoreException("Redis call failed: " + rootMessage(cause), cause);
    }

    /** The root cause's message without the native transport's call prefix: "Connection refused". */
    private static String plainReason(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceFirst("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ", "");
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
