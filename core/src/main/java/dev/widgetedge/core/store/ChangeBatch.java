package dev.widgetedge.core.store;

import java.util.List;
import java.util.Objects;

/**
 * One read of the store's change log, from {@link WidgetKeyStore#changesSince}.
 *
 * @param changes  the changes logged after the cursor that was passed, oldest first
 * @param next     where the next read continues
 * @param complete whether {@code changes} reaches the end of the log as it was when read (no
 *                 more changes were waiting)
 * @param gap      whether changes since the cursor that was passed may have been dropped from the
 *                 log (the cursor is older than the log keeps); then {@code changes} is empty and
 *                 {@code next} is the end of the log: the reader can no longer rely on having seen
 *                 every change
 */
public record ChangeBatch(List<Invalidation> changes, ChangeCursor next, boolean complete, boolean gap) {

    public ChangeBatch {
        changes = List.copyOf(changes);
        Objects.requireNonNull(next, "next");
    }

    /** The start of a reading: no changes, and the end of the log to continue from. */
    public static ChangeBatch start(ChangeCursor head) {
        return new ChangeBatch(List.of(), head, true, false);
    }

    /** The log dropped changes after the reader's cursor; it continues from {@code head}. */
    public static ChangeBatch gapBefore(ChangeCursor head) {
        return new ChangeBatch(List.of(), head, true, true);
    }
}
