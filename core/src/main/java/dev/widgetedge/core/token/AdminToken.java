package dev.widgetedge.core.token;

import java.time.Instant;
import java.util.Objects;

/**
 * An admin API bearer token's metadata. The token itself is never stored, only its digest.
 *
 * @param id        a public id, for {@code tokens list} and {@code tokens revoke}
 * @param name      a human label (may be empty)
 * @param scope     the accounts the token may act for
 * @param createdAt creation time
 * @param last8     the last 8 characters of the token, to recognise it
 */
public record AdminToken(String id, String name, AccountScope scope, Instant createdAt, String last8) {

    public AdminToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(last8, "last8");
    }
}
