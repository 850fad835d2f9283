package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.store.ChangeCursor;

/** Existence-filter snapshots made by hand, for tests that put one in a real store. */
public final class SnapshotBytes {

    private SnapshotBytes() {
    }

    /** A well-formed snapshot of a filter that holds no id, claiming to cover {@code covered}. */
    public static byte[] emptyCovering(ChangeCursor covered) {
        return FilterSnapshot.encode(KeyIdFilter.withCapacity(ExistenceFilter.MIN_CAPACITY), covered);
    }
}
