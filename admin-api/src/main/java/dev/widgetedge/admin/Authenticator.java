package dev.widgetedge.admin;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.core.token.AdminTokenStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Resolves a request's bearer token to its {@link AdminToken}. Tokens are looked up by digest on
 * every call (no cache), so a revocation takes effect at once.
 */
final class Authenticator {

    private final AdminTokenStore tokens;

    Authenticator(AdminTokenStore tokens) {
        this.tokens = tokens;
    }

    /**
     * The token of the request, or a stage failed with {@link ApiError#unauthorized()} when the
     * header is missing, malformed, unknown or revoked.
     */
    CompletionStage<AdminToken> authenticate(List<String> authorizationHeaders) {
        String token = BearerToken.from(authorizationHeaders);
        if (token == null) {
            return CompletableFuture.failedFuture(ApiError.unauthorized());
        }
        return tokens.findByDigest(KeyDigest.sha256Hex(token))
                .thenApply(found -> found.orElseThrow(ApiError::unauthorized));
    }
}
