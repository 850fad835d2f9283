package dev.widgetedge.gateway.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Subjects' windows in a Caffeine cache bounded in size (W-TinyLFU: a flood of new subjects does
 * not push out the subjects in steady use), idle ones forgotten after a while.
 *
 * <p>A window is read <em>quietly</em>, and the cache hears of its use once per bucket
 * ({@link SlidingWindow#firstUseIn}). Every read the cache records costs its upkeep a reordering
 * and a frequency count, and the reader a slot in a read buffer and, every few reads, a task for
 * the upkeep thread; under 20,000 clients far below their limits that was about a seventh of the
 * gateway's CPU per request. Once a bucket is all the expiry (idle for how long, give or take a bucket) and
 * the eviction (how often used) need.
 *
 * <p>Thread-safe.
 *
 * @param <K> the subject's key in the cache
 */
final class WindowCache<K> {

    private final Cache<K, SlidingWindow> cache;
    private final Policy<K, SlidingWindow> policy;
    private final int buckets;

    /** @param buckets the windows' buckets before the current one */
    WindowCache(long maximumSize, Duration idle, Ticker ticker, Executor upkeep, int buckets) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterAccess(idle)
                .ticker(ticker)
                .executor(upkeep)
                .build();
        this.policy = cache.policy();
        this.buckets = buckets;
    }

    /** The window of {@code key}, read quietly; {@code null} if the subject has none. Then {@link #used}. */
    SlidingWindow peek(K key) {
        return policy.getIfPresentQuietly(key);
    }

    /** Tells the cache of a use of {@code key}'s {@code window} at {@code bucket}: the first in the bucket counts. */
    void used(K key, SlidingWindow window, long bucket) {
        if (window.firstUseIn(bucket)) {
            cache.getIfPresent(key);
        }
    }

    /** The window of {@code key}, used at {@code bucket}; created for {@code subject} if it has none. */
    SlidingWindow get(K key, Subject subject, long bucket) {
        SlidingWindow window = policy.getIfPresentQuietly(key);
        if (window == null) {
            window = cache.get(key, absent -> new SlidingWindow(subject, buckets));
        }
        used(key, window, bucket);
        return window;
    }

    /** How many windows are held (an estimate). */
    long size() {
        return cache.estimatedSize();
    }
}
