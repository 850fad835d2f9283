package dev.widgetedge.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * "Widget key {@code keyId} changed; its state is now at {@code version}." Published by every
 * successful mutation, atomically with it.
 *
 * @param keyId       the changed key
 * @param version     the key's version after the change; a hard delete announces the deleted
 *                    version plus one, so versions only grow
 * @param publishedAt when the admin API made the change, to measure propagation lag
 */
public record Invalidation(UUID keyId, long version, Instant publishedAt) {

    public Invalidation {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(publishedAt, "publishedAt");
    }
}
