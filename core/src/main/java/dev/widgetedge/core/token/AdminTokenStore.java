package dev.widgetedge.core.token;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where admin tokens live. Every method completes exceptionally with a
 * {@link dev.widgetedge.core.store.StoreException} when the store fails or times out.
 */
public interface AdminTokenStore {

    /** The token whose digest is {@code digest}, if it exists and is not revoked. */
    CompletionStage<Optional<AdminToken>> findByDigest(String digest);

    /** Stores a new token under its digest. */
    CompletionStage<Void> insert(AdminToken token, String digest);

    /** Every token, oldest first. */
    CompletionStage<List<AdminToken>> list();

    /**
     * Revokes the token with this id; it stops authenticating at once.
     *
     * @return whether such a token existed
     */
    CompletionStage<Boolean> revoke(String id);
}
