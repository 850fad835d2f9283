package dev.widgetedge.gateway.limit;

import dev.widgetedge.core.store.RateCountStore;
import dev.widgetedge.core.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An exact count store in memory that a test can turn off, for the sharing logic's unit tests
 * (the Redis store has its own integration test). Thread-safe.
 */
final class MemoryCountStore implements RateCountStore {

    private final Map<String, Map<Long, Integer>> counts = new HashMap<>();
    private final Map<String, Long> lastRound = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private long clockMillis;
    private boolean down;

    synchronized void down(boolean value) {
        down = value;
    }

    /** The store's clock, which replies report. */
    synchronized void clock(long millis) {
        clockMillis = millis;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized int count(String subject, long bucket) {
        return counts.getOrDefault(subject, Map.of()).getOrDefault(bucket, 0);
    }

    /** Adds {@code delta} for another gateway, as its round would. */
    synchronized void add(String subject, long bucket, int delta) {
        counts.computeIfAbsent(subject, s -> new HashMap<>()).merge(bucket, delta, Integer::sum);
    }

    @Override
    public synchronized CompletionStage<Reply> sync(Request request) {
        requests.add(request);
        if (down) {
            return CompletableFuture.failedFuture(new StoreException("store down"));
        }
        if (request.leaving()) {
            lastRound.remove(request.gatewayId());
        } else {
            lastRound.put(request.gatewayId(), request.nowMillis());
        }
        long live = lastRound.values().stream().filter(at -> at >= request.nowMillis() - request.liveMillis()).count();
        List<int[]> windows = new ArrayList<>();
        long bucket = request.bucket();
        for (Push push : request.subjects()) {
            for (int i = 0; i < push.buckets().length; i++) {
                add(push.subject(), push.buckets()[i], push.deltas()[i]);
            }
            int[] window = new int[request.buckets() + 1];
            for (int i = 0; i <= request.buckets(); i++) {
                window[i] = count(push.subject(), bucket - request.buckets() + i);
            }
            windows.add(window);
        }
        return CompletableFuture.completedFuture(new Reply(clockMillis, (int) live, windows));
    }
}
