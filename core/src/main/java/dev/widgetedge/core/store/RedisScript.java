package dev.widgetedge.core.store;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script run with {@code EVALSHA}, falling back to {@code EVAL} when the server does not
 * know it (after a restart or {@code SCRIPT FLUSH}). A script runs atomically: its writes and
 * its publish happen together or not at all.
 */
final class RedisScript {

    private final String source;
    private final String sha1;

    RedisScript(String source) {
        this.source = source;
        this.sha1 = sha1(source);
    }

    /** Runs the script; it must return an integer. */
    CompletionStage<Long> run(RedisAsyncCommands<String, String> redis, String[] keys, String... args) {
        return run(redis, ScriptOutputType.INTEGER, keys, args);
    }

    /** Runs the script; its reply is read as {@code type} says (a {@code MULTI} reply is a {@code List}). */
    <T> CompletionStage<T> run(RedisAsyncCommands<String, String> redis, ScriptOutputType type, String[] keys,
            String... args) {
        return redis.<T>evalsha(sha1, type, keys, args)
                .handle((result, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(result);
                    }
                    if (unwrap(error) instanceof RedisNoScriptException) {
                        return redis.<T>eval(source, type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(error);
                })
                .thenCompose(stage -> stage);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-1", e);
        }
    }
}
