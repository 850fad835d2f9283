package dev.widgetedge.gateway.metrics;

/**
 * Records nothing: {@link GatewayMetrics#noop()}, and the base of metrics that record only the few
 * calls they override (tests' metrics).
 */
public class NoopGatewayMetrics implements GatewayMetrics {

    static final NoopGatewayMetrics INSTANCE = new NoopGatewayMetrics();

    protected NoopGatewayMetrics() {
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
    public void changeLogRead(ChangeLogRead result) {
    }

    @Override
    public void keyFilterChecked(boolean absent) {
    }

    @Override
    public void keyFilterBuilt(KeyFilterSource source) {
    }

    @Override
    public void keyFilterBuildFailed() {
    }

    @Override
    public void keyFilterSnapshotSaved(boolean success) {
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
    }

    @Override
    public void proxyProtocolRejected() {
    }

    @Override
    public void rateLimited(LimitKind limit) {
    }

    @Override
    public void rateLimitSync(boolean success) {
    }
}
