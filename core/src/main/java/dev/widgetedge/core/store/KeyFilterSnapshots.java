package dev.widgetedge.core.store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the gateways share one snapshot of their existence filter, so that a starting gateway
 * loads a million key ids in one read instead of scanning the key index: one opaque value, which
 * the gateway writes and reads (its format is the gateway's), and a claim that lets at most one
 * gateway refresh it per period.
 *
 * <p>Non-blocking and thread-safe; a stage fails with a {@link StoreException} as the store's
 * calls do.
 */
public interface KeyFilterSnapshots {

    /** A store that keeps no snapshot: gateways on it build from the key index every time. */
    KeyFilterSnapshots NONE = new KeyFilterSnapshots() {
        @Override
        public String name() {
            return "(none)";
        }

        @Override
        public CompletionStage<Optional<byte[]>> load() {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<Void> save(byte[] snapshot) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Boolean> claim(Duration period) {
            return CompletableFuture.completedFuture(false);
        }
    };

    /** Where the snapshot lives, for log lines (the Redis key's name, for instance). */
    String name();

    /** The snapshot last saved, or empty when there is none (or the store holds something else there). */
    CompletionStage<Optional<byte[]>> load();

    /** Replaces the stored snapshot with {@code snapshot}. */
    CompletionStage<Void> save(byte[] snapshot);

    /**
     * Claims the next periodic refresh: {@code true} for at most one caller (of every gateway on
     * the store) per {@code period}, {@code false} while another caller's claim lasts.
     */
    CompletionStage<Boolean> claim(Duration period);
}
