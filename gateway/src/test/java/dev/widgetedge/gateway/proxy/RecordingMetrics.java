package dev.widgetedge.gateway.proxy;

import dev.widgetedge.gateway.metrics.NoopGatewayMetrics;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the outcomes of answered requests and the upstream statuses the proxy reports; ignores the rest. Thread-safe. */
final class RecordingMetrics extends NoopGatewayMetrics {

    private final List<Integer> upstreamStatuses = new CopyOnWriteArrayList<>();
    private final List<RequestOutcome> outcomes = new CopyOnWriteArrayList<>();

    List<Integer> upstreamStatuses() {
        return upstreamStatuses;
    }

    /** The outcome of every answered request, in the order their responses began. */
    List<RequestOutcome> outcomes() {
        return outcomes;
    }

    @Override
    public void request(RequestOutcome outcome, long durationNanos) {
        outcomes.add(outcome);
    }

    @Override
    public void upstreamResponse(int status) {
        upstreamStatuses.add(status);
    }
}
