package dev.widgetedge.app;

import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.ReadinessCheck;
import java.util.concurrent.CompletableFuture;

/** {@code /readyz}: the listener is bound and accepting, and the store answers a ping. */
final class Readiness {

    private Readiness() {
    }

    static ReadinessCheck of(HttpServer server, WidgetKeyStore store) {
        return () -> server.isListening()
                ? store.ping().thenApply(pong -> true).exceptionally(error -> false)
                : CompletableFuture.completedFuture(false);
    }
}
