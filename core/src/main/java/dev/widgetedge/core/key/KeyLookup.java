package dev.widgetedge.core.key;

import java.util.Objects;
import java.util.UUID;

/**
 * What a store needs to find a widget key's record from the plaintext key: the derived id
 * (where the record lives) and the digest (to confirm it is this key's record). Stores never see
 * the plaintext.
 */
public record KeyLookup(UUID id, String digest) {

    public KeyLookup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(digest, "digest");
    }

    /** The lookup for a well-formed widget key. */
    public static KeyLookup of(String key) {
        return new KeyLookup(KeyDigest.keyId(key), KeyDigest.sha256Hex(key));
    }
}
