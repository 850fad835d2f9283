package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import java.util.ArrayList;
import java.util.List;

/** Gateway metrics that remember every answered request. */
final class CountingMetrics implements GatewayMetrics {

    final List<RequestOutcome> requests = new ArrayList<>();
    final List<Long> durations = new ArrayList<>();
    int connectionResets;

    @Override
    public synchronized void request(RequestOutcome outcome, long durationNanos) {
        requests.add(outcome);
        durations.add(durationNanos);
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
    }

    @Override
    public void connectionReset() {
        connectionResets++;
    }
}
