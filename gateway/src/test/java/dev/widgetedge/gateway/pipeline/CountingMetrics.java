package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.gateway.metrics.LimitKind;
import dev.widgetedge.gateway.metrics.NoopGatewayMetrics;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import java.util.ArrayList;
import java.util.List;

/** Gateway metrics that remember every answered request and every rate-limit refusal. */
public final class CountingMetrics extends NoopGatewayMetrics {

    final List<RequestOutcome> requests = new ArrayList<>();
    final List<Long> durations = new ArrayList<>();
    final List<LimitKind> rateLimited = new ArrayList<>();
    int connectionResets;

    @Override
    public synchronized void request(RequestOutcome outcome, long durationNanos) {
        requests.add(outcome);
        durations.add(durationNanos);
    }

    @Override
    public void connectionReset() {
        connectionResets++;
    }

    @Override
    public synchronized void rateLimited(LimitKind limit) {
        rateLimited.add(limit);
    }

    /** The refusals so far, by the limit that refused. */
    public synchronized List<LimitKind> rateLimited() {
        return List.copyOf(rateLimited);
    }
}
