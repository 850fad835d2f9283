package dev.widgetedge.gateway.proxy;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the memory the pooled allocator (the one the gateway's channels use) has taken from the
 * system, every millisecond, and reports the largest growth over what it used at the start. A
 * proxy that buffered a body would show that body's size here.
 */
final class AllocatorSampler implements AutoCloseable {

    private final PooledByteBufAllocatorMetric metric = PooledByteBufAllocator.DEFAULT.metric();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final long baseline = used();
    private final AtomicLong peak = new AtomicLong(baseline);

    private AllocatorSampler() {
        timer.scheduleAtFixedRate(() -> peak.accumulateAndGet(used(), Math::max), 0, 1, TimeUnit.MILLISECONDS);
    }

    static AllocatorSampler start() {
        return new AllocatorSampler();
    }

    /** The largest amount used beyond the baseline, so far. */
    long peakGrowth() {
        return Math.max(0, peak.get() - baseline);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private long used() {
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }
}
