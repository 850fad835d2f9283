package dev.widgetedge.core.audit;

import java.util.Objects;

/**
 * Who made a change: the admin API token, by id and name (never the token itself).
 *
 * @param tokenId   the token's id, as {@code tokens list} shows it
 * @param tokenName the token's name, possibly empty
 */
public record Actor(String tokenId, String tokenName) {

    public Actor {
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(tokenName, "tokenName");
    }
}
