package dev.widgetedge.core.audit;

/** What a mutation did to a key, as its audit event names it. */
public enum AuditAction {
    CREATED("key.created"),
    UPDATED("key.updated"),
    /** Disabled by PATCH, or by a DELETE of a key that was used (a soft delete). */
    DISABLED("key.disabled"),
    ENABLED("key.enabled"),
    /** Removed by a DELETE of a key that was never used (a hard delete). */
    DELETED("key.deleted"),
    /** Replaced by a new key; the event is the old key's, the new key gets {@link #CREATED}. */
    ROTATED("key.rotated");

    private final String wire;

    AuditAction(String wire) {
        this.wire = wire;
    }

    /** The wire form, {@code key.created} and so on. */
    public String wire() {
        return wire;
    }

    /** The action of a wire value, or {@code null} when it names none. */
    public static AuditAction fromWire(String value) {
        for (AuditAction action : values()) {
            if (action.wire.equals(value)) {
                return action;
            }
        }
        return null;
    }
}
