package dev.widgetedge.core.store;

import java.util.Objects;

/**
 * A place in the store's change log, from {@link WidgetKeyStore#changesSince}: the next read
 * continues after it.
 *
 * @param position     where the log was read up to, in the store's own notation (opaque to callers)
 * @param readAtMillis when the store answered the read that returned this cursor, by the store's
 *                     clock: how the store tells that changes after it may have been dropped
 */
public record ChangeCursor(String position, long readAtMillis) {

    public ChangeCursor {
        Objects.requireNonNull(position, "position");
    }
}
