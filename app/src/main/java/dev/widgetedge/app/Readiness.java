package dev.widgetedge.app;

import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.ReadinessCheck;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code /readyz} for each role: the listener is bound and accepting, and the store is reachable. */
final class Readiness {

    private Readiness() {
    }

    /**
     * The admin API: ready while the store answers a ping. Without the store it can only answer
     * {@code 500 Database error}, so a load balancer should send its calls elsewhere.
     */
    static ReadinessCheck whileStoreAnswers(HttpServer server, WidgetKeyStore store) {
        return () -> server.isListening()
                ? store.ping().thenApply(pong -> true).exceptionally(error -> false)
                : CompletableFuture.completedFuture(false);
    }

    /**
     * The gateway: ready once the store has answered (200 once the store has been reached
     * and while the listener is bound: docs/operations.md) and for as long as it listens. A later outage does not make it
     * unready: cached decisions keep serving through it ({@code --stale-if-error}), and a load
     * balancer that took every gateway out at once would turn a store outage into a full one.
     */
    static ReadinessCheck onceStoreAnswered(HttpServer server, WidgetKeyStore store) {
        AtomicBoolean reached = new AtomicBoolean();
        ReadinessCheck strict = whileStoreAnswers(server, store);
        return () -> {
            if (!server.isListening()) {
                return CompletableFuture.completedFuture(false);
            }
            if (reached.get()) {
                return CompletableFuture.completedFuture(true);
            }
            return strict.isReady().thenApply(ready -> {
                if (ready) {
                    reached.set(true);
                }
                return ready;
            });
        };
    }
}
