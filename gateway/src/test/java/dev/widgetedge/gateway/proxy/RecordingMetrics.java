package dev.widgetedge.gateway.proxy;

import dev.widgetedge.gateway.metrics.NoopGatewayMetrics;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the upstream statuses the proxy reports; ignores the rest. Thread-safe. */
final class RecordingMetrics extends NoopGatewayMetrics {

    private final List<Integer> upstreamStatuses = new CopyOnWriteArrayList<>();

    List<Integer> upstreamStatuses() {
        return upstreamStatuses;
    }

    @Override
    public void upstreamResponse(int status) {
        upstreamStatuses.add(status);
    }
}
