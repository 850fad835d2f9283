package dev.widgetedge.core.store;

import java.time.Instant;
import java.util.UUID;

/**
 * The wire format of an {@link Invalidation} on the pub/sub channel:
 * {@code v1 <key id> <version> <published at, epoch ms>}, e.g.
 * {@code v1 0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e 3 1764049860123}. A line of text rather than
 * JSON: it is parsed on every gateway for every mutation, and is still readable in
 * {@code redis-cli subscribe}.
 */
public final class Invalidations {

    private static final String VERSION_TAG = "v1";

    private Invalidations() {
    }

    /** Encodes one invalidation. */
    public static String encode(Invalidation invalidation) {
        return VERSION_TAG + ' ' + invalidation.keyId() + ' ' + invalidation.version() + ' '
                + invalidation.publishedAt().toEpochMilli();
    }

    /**
     * Decodes one message.
     *
     * @throws IllegalArgumentException if the message is not an invalidation of this format
     */
    public static Invalidation decode(String message) {
        String[] parts = message.split(" ", -1);
        if (parts.length != 4 || !VERSION_TAG.equals(parts[0])) {
            throw new IllegalArgumentException("not a v1 invalidation message");
        }
        try {
            return new Invalidation(UUID.fromString(parts[1]), Long.parseLong(parts[2]),
                    Instant.ofEpochMilli(Long.parseLong(parts[3])));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed invalidation message", e);
        }
    }
}
