package dev.widgetedge.core.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A page of an account's audit log, newest first.
 *
 * @param accountId the account
 * @param keyId     only the events of this key, or {@code null} for all
 * @param before    only events older than this event id (from a previous page), or {@code null}
 * @param limit     the most events to return, at least 1
 * @param notBefore events older than this are past their retention and never returned
 */
public record AuditQuery(String accountId, UUID keyId, String before, int limit, Instant notBefore) {

    public AuditQuery {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(notBefore, "notBefore");
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
    }
}
