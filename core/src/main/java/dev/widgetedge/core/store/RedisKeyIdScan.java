package dev.widgetedge.core.store;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ValueScanCursor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every stored key id, for the gateway's existence filter, read from the account indexes: the set
 * of accounts ({@code SSCAN}), then each account's index in pages ({@link #INDEX_PAGE}),
 * {@value #PARALLEL} accounts at a time. The cost is proportional to the number of keys, whatever
 * else Redis holds (per-key reports, usage, audit logs), and a million keys take about fifty
 * replies.
 *
 * <p>The account set is kept by the create script. Data written before it existed is indexed once
 * by {@link #indexAccounts}, which the admin API runs at start; until the marker it leaves is in
 * place, a scan falls back to a {@code SCAN} over the key records themselves (correct, but it walks
 * the whole keyspace).
 *
 * <p>{@code SCAN}, {@code SSCAN} and {@code ZSCAN} return every element present for the whole
 * scan, some more than once; elements added or removed meanwhile may or may not be returned.
 */
final class RedisKeyIdScan {

    private static final Logger LOG = LoggerFactory.getLogger(RedisKeyIdScan.class);

    /**
     * Elements asked for per scan call. A build is bound by round trips and by decoding replies
     * more than by Redis's work (measured: 1,000 calls of 1,000 took 3 s on a busy machine, the
     * threads mostly waiting), while one page holds Redis for its duration (a few milliseconds at
     * this size), so a million keys in one account are fifty calls.
     */
    static final int PAGE = 20_000;

    /**
     * One page of an account index: up to {@code ARGV[3]} members after the member
     * {@code ARGV[1]} (the previous page's last; {@code ""} for the first page), as
     * {@code {score of the last member, last member, members joined by spaces}}: one string per
     * page rather than one per member, which is most of what decoding a reply costs the gateway. A
     * page starts one past its anchor's current rank, so a key deleted meanwhile cannot shift
     * another one past the page boundary; if the anchor itself was deleted, the page starts again
     * at the anchor's score {@code ARGV[2]}, inclusive (some members repeat, none is skipped).
     * Members only, by rank: formatting every score, as {@code ZSCAN} does, is what made a page of
     * 10,000 hold Redis for 14 ms; and paging by score alone would have to take a run of equal
     * scores (a bulk import in one millisecond) in one reply.
     */
    private static final RedisScript INDEX_PAGE = new RedisScript("""
            local size = tonumber(ARGV[3])
            local page
            if ARGV[1] == '' then
              page = redis.call('ZRANGE', KEYS[1], 0, size - 1)
            else
              local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
              if rank then
                page = redis.call('ZRANGE', KEYS[1], rank + 1, rank + size)
              else
                page = redis.call('ZRANGE', KEYS[1], ARGV[2], '+inf', 'BYSCORE', 'LIMIT', 0, size)
              end
            end
            if #page == 0 then return {'', '', '', 0} end
            return {redis.call('ZSCORE', KEYS[1], page[#page]), page[#page], table.concat(page, ' '), #page}
            """);
    /** Account indexes scanned at once: enough to fill the pipe, few enough not to crowd out reads. */
    private static final int PARALLEL = 16;

    private final RedisConnector redis;

    RedisKeyIdScan(RedisConnector redis) {
        this.redis = redis;
    }

    /** Passes every stored key id to {@code sink}, one call at a time. */
    CompletionStage<Void> scan(Consumer<UUID> sink) {
        Consumer<UUID> serial = serialized(sink);
        return redis.call(commands -> commands.hget(RedisLayout.META, RedisLayout.F_ACCOUNTS_INDEXED))
                .thenCompose(indexed -> "1".equals(indexed) ? scanAccountIndexes(serial) : scanRecords(serial));
    }

    /**
     * Adds every account that has a key index to the account set, then marks the set complete.
     * Idempotent; keys created meanwhile add their accounts themselves.
     */
    CompletionStage<Void> indexAccounts() {
        ScanArgs args = ScanArgs.Builder.matches(RedisLayout.ACCOUNT_INDEX_PATTERN).limit(PAGE);
        return indexAccountsFrom(ScanCursor.INITIAL, args)
                .thenCompose(done -> redis.call(commands -> commands.hset(RedisLayout.META,
                        RedisLayout.F_ACCOUNTS_INDEXED, "1")))
                .thenApply(done -> null);
    }

    private CompletionStage<Void> indexAccountsFrom(ScanCursor cursor, ScanArgs args) {
        return redis.call(commands -> commands.scan(cursor, args)).thenCompose(page -> {
            List<String> accounts = new ArrayList<>();
            for (String name : page.getKeys()) {
                String account = RedisLayout.accountOfIndex(name);
                if (account != null) {
                    accounts.add(account);
                }
            }
            CompletionStage<?> added = accounts.isEmpty() ? CompletableFuture.completedFuture(null)
                    : redis.call(commands -> commands.sadd(RedisLayout.ACCOUNTS, accounts.toArray(String[]::new)));
            return added.thenCompose(ignored -> page.isFinished()
                    ? CompletableFuture.<Void>completedFuture(null) : indexAccountsFrom(page, args));
        });
    }

    private CompletionStage<Void> scanRecords(Consumer<UUID> sink) {
        LOG.info("the account set is not indexed yet (the admin API indexes it at start): scanning every key record");
        ScanArgs args = ScanArgs.Builder.matches(RedisLayout.WIDGET_KEY_PATTERN).limit(PAGE);
        return scanRecordsFrom(ScanCursor.INITIAL, args, sink);
    }

    private CompletionStage<Void> scanRecordsFrom(ScanCursor cursor, ScanArgs args, Consumer<UUID> sink) {
        return redis.call(commands -> commands.scan(cursor, args)).thenCompose(page -> {
            for (String name : page.getKeys()) {
                UUID id = RedisLayout.widgetKeyId(name);
                if (id != null) {
                    sink.accept(id);
                }
            }
            return page.isFinished() ? CompletableFuture.<Void>completedFuture(null)
                    : scanRecordsFrom(page, args, sink);
        });
    }

    private CompletionStage<Void> scanAccountIndexes(Consumer<UUID> sink) {
        return accounts(ScanCursor.INITIAL, new ArrayList<>()).thenCompose(accounts -> {
            ArrayDeque<String> pending = new ArrayDeque<>(accounts);
            List<CompletableFuture<Void>> lanes = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                lanes.add(lane(pending, sink).toCompletableFuture());
            }
            return CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new));
        });
    }

    private CompletionStage<List<String>> accounts(ScanCursor cursor, List<String> found) {
        return redis.call(commands -> commands.sscan(RedisLayout.ACCOUNTS, cursor, ScanArgs.Builder.limit(PAGE)))
                .thenCompose((ValueScanCursor<String> page) -> {
                    found.addAll(page.getValues());
                    return page.isFinished() ? CompletableFuture.completedFuture(found) : accounts(page, found);
                });
    }

    /** Scans the pending accounts' indexes one after another, until none is left. */
    private CompletionStage<Void> lane(ArrayDeque<String> pending, Consumer<UUID> sink) {
        String account;
        synchronized (pending) {
            account = pending.poll();
        }
        if (account == null) {
            return CompletableFuture.completedFuture(null);
        }
        return accountIndex(new String[] {RedisLayout.accountIndex(account)}, "", "-inf", sink)
                .thenCompose(done -> lane(pending, sink));
    }

    private CompletionStage<Void> accountIndex(String[] index, String anchor, String anchorScore, Consumer<UUID> sink) {
        return redis.call(commands -> INDEX_PAGE.<List<Object>>run(commands, ScriptOutputType.MULTI, index, anchor,
                anchorScore, Integer.toString(PAGE))).thenCompose(reply -> {
                    passJoined((String) reply.get(2), sink);
                    long count = (Long) reply.get(3);
                    return count < PAGE ? CompletableFuture.<Void>completedFuture(null)
                            : accountIndex(index, (String) reply.get(1), (String) reply.get(0), sink);
                });
    }

    /** Passes every key id in a page's space-separated members; anything else in the index is skipped. */
    private static void passJoined(String members, Consumer<UUID> sink) {
        int start = 0;
        while (start < members.length()) {
            int end = members.indexOf(' ', start);
            if (end < 0) {
                end = members.length();
            }
            UUID id = RedisLayout.keyIdOrNull(members.substring(start, end));
            if (id != null) {
                sink.accept(id);
            }
            start = end + 1;
        }
    }

    /** {@code sink}, called by one thread at a time whichever connection thread delivers. */
    private static Consumer<UUID> serialized(Consumer<UUID> sink) {
        Object lock = new Object();
        return id -> {
            synchronized (lock) {
                sink.accept(id);
            }
        };
    }
}
