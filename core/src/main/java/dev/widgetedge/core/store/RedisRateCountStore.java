package dev.widgetedge.core.store;

import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The rate-limit counts on Redis ({@code docs/redis.md}, "Rate limits"):
 *
 * <pre>
 * we:v1:rl:{&lt;subject&gt;}:&lt;epoch&gt;   HASH  bucket offset within the epoch -&gt; requests, all gateways
 * we:v1:rl:gateways                 ZSET  gateway id, scored by the time of its last round (ms)
 * </pre>
 *
 * <p>An <em>epoch</em> is one window's worth of buckets ({@code bucket / buckets}); a window spans
 * at most two epochs, so a subject's round touches two hashes, both in the subject's hash-tag slot:
 * on Redis Cluster each subject's script is a single-slot call. An epoch's hash expires once no
 * window can reach it. A round is pipelined: the heartbeat, then one script per subject that adds
 * the increments and reads both hashes.
 */
public final class RedisRateCountStore implements RateCountStore {

    static final String PREFIX = RedisLayout.PREFIX + "rl:";
    static final String GATEWAYS = PREFIX + "gateways";
    /** Kept past the last moment a window can reach an epoch, against clock differences. */
    private static final long EXPIRY_SLACK_MILLIS = 10_000;

    /**
     * KEYS: the current epoch's hash, the previous epoch's. ARGV: their expiry times (epoch ms),
     * the number of increments, then per increment the hash (1 or 2), the field and the delta.
     * Replies with both hashes' fields and values.
     */
    private static final RedisScript PUSH_AND_READ = new RedisScript("""
            local touched = {false, false}
            local n = tonumber(ARGV[3])
            for i = 0, n - 1 do
              local which = tonumber(ARGV[4 + 3 * i])
              redis.call('HINCRBY', KEYS[which], ARGV[5 + 3 * i], ARGV[6 + 3 * i])
              touched[which] = true
            end
            for which = 1, 2 do
              if touched[which] then redis.call('PEXPIREAT', KEYS[which], ARGV[which]) end
            end
            return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
            """);

    private final RedisConnector connector;

    public RedisRateCountStore(RedisConnector connector) {
        this.connector = connector;
    }

    static String subjectKey(String subject, long epoch) {
        return PREFIX + "{" + subject + "}:" + epoch;
    }

    @Override
    public CompletionStage<Reply> sync(Request request) {
        return connector.call(redis -> round(redis, request));
    }

    private static CompletionStage<Reply> round(RedisAsyncCommands<String, String> redis, Request request) {
        CompletableFuture<List<String>> time = redis.time().toCompletableFuture();
        CompletableFuture<Long> live = heartbeat(redis, request);
        List<CompletableFuture<int[]>> windows = new ArrayList<>(request.subjects().size());
        for (Push push : request.subjects()) {
            windows.add(pushAndRead(redis, request, push));
        }
        List<CompletableFuture<?>> parts = new ArrayList<>(windows);
        parts.add(time);
        parts.add(live);
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<String> clock = time.join();
            long serverMillis = Long.parseLong(clock.get(0)) * 1000 + Long.parseLong(clock.get(1)) / 1000;
            List<int[]> read = new ArrayList<>(windows.size());
            windows.forEach(window -> read.add(window.join()));
            return new Reply(serverMillis, Math.toIntExact(live.join()), read);
        });
    }

    /**
     * Records this gateway's round (or, on its last, removes it) and counts the gateways with a
     * round in the last {@code liveMillis}.
     */
    private static CompletableFuture<Long> heartbeat(RedisAsyncCommands<String, String> redis, Request request) {
        long now = request.nowMillis();
        if (request.leaving()) {
            redis.zrem(GATEWAYS, request.gatewayId());
        } else {
            redis.zadd(GATEWAYS, (double) now, request.gatewayId());
        }
        redis.zremrangebyscore(GATEWAYS, Range.create(Double.NEGATIVE_INFINITY, (double) (now - request.liveMillis())));
        return redis.zcard(GATEWAYS).toCompletableFuture();
    }

    private static CompletableFuture<int[]> pushAndRead(RedisAsyncCommands<String, String> redis, Request request,
            Push push) {
        int buckets = request.buckets();
        long epoch = Math.floorDiv(request.bucket(), buckets);
        long epochMillis = buckets * request.bucketMillis();
        String[] keys = {subjectKey(push.subject(), epoch), subjectKey(push.subject(), epoch - 1)};
        List<String> args = new ArrayList<>(3 + 3 * push.buckets().length);
        // An epoch's buckets are in windows until the end of the next epoch.
        args.add(Long.toString((epoch + 2) * epochMillis + EXPIRY_SLACK_MILLIS));
        args.add(Long.toString((epoch + 1) * epochMillis + EXPIRY_SLACK_MILLIS));
        int increments = 0;
        List<String> triples = new ArrayList<>();
        for (int i = 0; i < push.buckets().length; i++) {
            long bucket = push.buckets()[i];
            long bucketEpoch = Math.floorDiv(bucket, buckets);
            if (push.deltas()[i] == 0 || bucketEpoch < epoch - 1 || bucketEpoch > epoch) {
                // Outside both hashes: too old to be in any window now (or not yet begun).
                continue;
            }
            triples.add(bucketEpoch == epoch ? "1" : "2");
            triples.add(Long.toString(Math.floorMod(bucket, buckets)));
            triples.add(Integer.toString(push.deltas()[i]));
            increments++;
        }
        args.add(Integer.toString(increments));
        args.addAll(triples);
        return PUSH_AND_READ.<List<Object>>run(redis, ScriptOutputType.MULTI, keys, args.toArray(String[]::new))
                .thenApply(reply -> window(reply, request.bucket(), buckets, epoch))
                .toCompletableFuture();
    }

    /** The totals of buckets {@code bucket - buckets .. bucket} from the two hashes' fields. */
    private static int[] window(List<Object> reply, long bucket, int buckets, long epoch) {
        int[] totals = new int[buckets + 1];
        long oldest = bucket - buckets;
        for (int which = 0; which < 2; which++) {
            @SuppressWarnings("unchecked")
            List<Object> fields = (List<Object>) reply.get(which);
            long base = (epoch - which) * buckets;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                long absolute = base + Long.parseLong((String) fields.get(i));
                if (absolute >= oldest && absolute <= bucket) {
                    totals[(int) (absolute - oldest)] = (int) Math.min(Integer.MAX_VALUE,
                            Long.parseLong((String) fields.get(i + 1)));
                }
            }
        }
        return totals;
    }
}
