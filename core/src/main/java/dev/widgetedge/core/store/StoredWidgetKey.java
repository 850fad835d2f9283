package dev.widgetedge.core.store;

import dev.widgetedge.core.widget.WidgetKey;
import java.util.Objects;

/**
 * A widget key as the store holds it, with the version the store assigns. Every mutation
 * increments the version; a conditional write ({@link WidgetKeyStore#replace}) succeeds only
 * against the version it read, and invalidations carry the version they announce.
 */
public record StoredWidgetKey(WidgetKey key, long version) {

    public StoredWidgetKey {
        Objects.requireNonNull(key, "key");
    }
}
