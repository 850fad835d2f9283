package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.decide.KeyDecider;
import java.util.concurrent.CompletionStage;

/**
 * The decide path as an exchange asks it: a decision at once when it needs no I/O, else a stage
 * that completes (on the store's thread) when it is known. {@link KeyDecider} in production
 * ({@link #of}); tests give stages whose timing and failures they control.
 */
interface Decisions {

    /** The decision when it needs no I/O, else {@code null}: then {@link #decide}. */
    Decision decideCached(String key, CharSequence origin);

    /** The decision, reading the store when it must; already complete when no read is needed. */
    CompletionStage<Decision> decide(String key, CharSequence origin);

    /** A rate limit refused a request that {@code allowed} let through, with this {@code Origin}. */
    void rateLimited(Decision.Allowed allowed, CharSequence origin);

    static Decisions of(KeyDecider decider) {
        return new Decisions() {
            @Override
            public Decision decideCached(String key, CharSequence origin) {
                return decider.decideCached(key, origin);
            }

            @Override
            public CompletionStage<Decision> decide(String key, CharSequence origin) {
                return decider.decide(key, origin);
            }

            @Override
            public void rateLimited(Decision.Allowed allowed, CharSequence origin) {
                decider.rateLimited(allowed, origin);
            }
        };
    }
}
