package dev.widgetedge.admin;

import dev.widgetedge.core.key.AdminTokenFormat;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.core.token.AdminTokenStore;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionStage;

/** Issuing admin API bearer tokens: the one place that turns a token into its stored form. */
public final class AdminTokens {

    private AdminTokens() {
    }

    /**
     * Stores {@code token} (only its digest and last 8 characters) for {@code scope}.
     *
     * @param token a well-formed bearer token ({@link AdminTokenFormat#isWellFormed}), usually
     *              from {@link AdminTokenFormat#mintToken()}
     * @return the stored metadata, with a new id
     */
    public static CompletionStage<AdminToken> issue(AdminTokenStore store, String token, String name,
            AccountScope scope, Clock clock) {
        if (!AdminTokenFormat.isWellFormed(token)) {
            throw new IllegalArgumentException("not a well-formed bearer token");
        }
        AdminToken metadata = new AdminToken(AdminTokenFormat.mintId(), name, scope,
                clock.instant().truncatedTo(ChronoUnit.MILLIS), AdminTokenFormat.last8(token));
        return store.insert(metadata, KeyDigest.sha256Hex(token)).thenApply(stored -> metadata);
    }
}
