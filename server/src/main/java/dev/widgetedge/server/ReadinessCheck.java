package dev.widgetedge.server;

import java.util.concurrent.CompletionStage;

/** Answers {@code /readyz}: completes with whether the process can serve traffic right now. */
@FunctionalInterface
public interface ReadinessCheck {

    /** Must complete within a bounded time (store calls are bounded by the store timeout). */
    CompletionStage<Boolean> isReady();

    /** Ready when both this and {@code other} are. */
    default ReadinessCheck and(ReadinessCheck other) {
        return () -> isReady().thenCombine(other.isReady(), (a, b) -> a && b);
    }
}
