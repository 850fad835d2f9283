package dev.widgetedge.core.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One entry of an account's audit log: who did what to which key, and which fields changed.
 * The store appends it in the same atomic step as the mutation it records, and assigns its id.
 *
 * @param id          the event's id, assigned by the store; {@code null} before it is stored.
 *                    Ids grow with time within an account, so they order the log and page it
 * @param at          when the mutation happened (the key's {@code updated_at} for an update)
 * @param accountId   the key's account
 * @param actor       the token that made the change
 * @param action      what happened
 * @param keyId       the key
 * @param keyLast8    the key's last 8 characters (never the key)
 * @param changesJson a JSON object {@code {"<field>": {"from": …, "to": …}}}, {@code {}} when
 *                    nothing but the action applies; rendered by the admin API, kept as is
 */
public record AuditEvent(String id, Instant at, String accountId, Actor actor, AuditAction action, UUID keyId,
        String keyLast8, String changesJson) {

    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(keyLast8, "keyLast8");
        Objects.requireNonNull(changesJson, "changesJson");
    }

    /** This event with the id the store gave it. */
    public AuditEvent withId(String storedId) {
        return new AuditEvent(storedId, at, accountId, actor, action, keyId, keyLast8, changesJson);
    }
}
