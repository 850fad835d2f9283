package dev.widgetedge.gateway.proxy;

import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the upstream statuses the proxy reports; ignores the rest. Thread-safe. */
final class RecordingMetrics implements GatewayMetrics {

    private final List<Integer> upstreamStatuses = new CopyOnWriteArrayList<>();

    List<Integer> upstreamStatuses() {
        return upstreamStatuses;
    }

    @Override
    public void request(RequestOutcome outcome, long durationNanos) {
    }

    @Override
    public void storeRequest(StoreResult result) {
    }

    @Override
    public void invalidation(long lagMillis) {
    }

    @Override
    public void resubscribed() {
    }

    @Override
    public void keyFilterChecked(boolean absent) {
    }

    @Override
    public void keyFilterBuilt(boolean success) {
    }

    @Override
    public void reportWrite(boolean success) {
    }

    @Override
    public void reportDropped(long requests) {
    }

    @Override
    public void upstreamResponse(int status) {
        upstreamStatuses.add(status);
    }

    @Override
    public void connectionReset() {
    }
}
