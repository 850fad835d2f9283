package dev.widgetedge.gateway.limit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bound the docs promise, checked against every interleaving a random schedule produces:
 * several gateways admit one subject while their sync rounds start, reach the store, report back
 * or fail (also after the store applied them), and time moves on. Whatever the order, what all
 * gateways admitted in any window stays within {@code limit + (k - 1) × cap}, and under steady
 * pressure the limit is (nearly) reached.
 */
class SharedLimitSimulationTest {

    private static final int BUCKETS = 30;
    private static final int STEPS = 40_000;

    /** One gateway's side of the subject, and its round in flight. */
    private static final class Gateway {
        final SlidingWindow window = new SlidingWindow(Subject.key(UUID.randomUUID()), BUCKETS);
        final Sharing sharing;
        SlidingWindow.Taken taken;
        long roundBucket;
        int[] reply;

        Gateway(int peers) {
            sharing = new Sharing(Long.MAX_VALUE, new AtomicLong()::get);
            sharing.reported(peers);
        }
    }

    @ParameterizedTest(name = "{0} gateways, limit {1}")
    @CsvSource({"2, 120", "2, 10", "3, 600", "4, 37", "5, 1000", "8, 100", "3, 5"})
    void everyWindow_staysWithinTheLimitPlusTheOtherGatewaysCaps(int peers, int limit) {
        // As the docs state it: each other gateway may hold max(1, ⌊0.1 × limit / (k − 1)⌋) unreported.
        long bound = limit + (peers - 1) * Math.max(1, (long) Math.floor(0.1 * limit / (peers - 1)));
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(seed * 31L + peers * 7L + limit);
            Gateway[] gateways = new Gateway[peers];
            for (int i = 0; i < peers; i++) {
                gateways[i] = new Gateway(peers);
            }
            Map<Long, Integer> store = new HashMap<>();
            Map<Long, Integer> truth = new HashMap<>();
            long bucket = 1_000;
            long highest = 0;
            for (int step = 0; step < STEPS; step++) {
                Gateway gateway = gateways[random.nextInt(peers)];
                int event = random.nextInt(100);
                if (event < 60) {
                    if (gateway.window.tryAcquire(limit, bucket, gateway.sharing).admitted()) {
                        truth.merge(bucket, 1, Integer::sum);
                        long inWindow = sum(truth, bucket - BUCKETS, bucket);
                        highest = Math.max(highest, inWindow);
                        assertTrue(inWindow <= bound, "seed " + seed + ": " + inWindow + " admitted in a window, "
                                + "the bound is " + bound);
                    }
                } else if (event < 75 && gateway.taken == null) {
                    gateway.taken = gateway.window.take(bucket);
                    gateway.roundBucket = bucket;
                } else if (event < 88 && gateway.taken != null && gateway.reply == null) {
                    // The round reaches the store: its increments are applied and the window read, atomically.
                    for (int i = 0; i < gateway.taken.buckets().length; i++) {
                        store.merge(gateway.taken.buckets()[i], gateway.taken.deltas()[i], Integer::sum);
                    }
                    gateway.reply = new int[BUCKETS + 1];
                    for (int i = 0; i <= BUCKETS; i++) {
                        gateway.reply[i] = store.getOrDefault(gateway.roundBucket - BUCKETS + i, 0);
                    }
                } else if (event < 97 && gateway.taken != null) {
                    if (gateway.reply != null && random.nextInt(10) > 0) {
                        gateway.window.reported(gateway.taken, gateway.roundBucket, gateway.reply);
                    } else {
                        // Failed before reaching the store, or its reply was lost after the store applied
                        // it (then it is counted twice: stricter, never looser).
                        gateway.window.unreported(gateway.taken);
                    }
                    gateway.taken = null;
                    gateway.reply = null;
                } else if (event >= 99) {
                    bucket += 1 + random.nextInt(3);
                }
            }
            assertTrue(highest >= limit * 0.95, "seed " + seed + ": the limit is nearly reached under pressure, highest "
                    + highest);
        }
    }

    private static long sum(Map<Long, Integer> counts, long from, long to) {
        long total = 0;
        for (long b = from; b <= to; b++) {
            total += counts.getOrDefault(b, 0);
        }
        return total;
    }
}
