package dev.widgetedge.core.store;

import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.core.token.AdminTokenStore;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Admin tokens in this process's memory, for {@code widget-edge dev}. */
public final class InMemoryAdminTokenStore implements AdminTokenStore {

    private final Map<String, AdminToken> byDigest = new HashMap<>();

    @Override
    public synchronized CompletionStage<Optional<AdminToken>> findByDigest(String digest) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byDigest.get(digest)));
    }

    @Override
    public synchronized CompletionStage<Void> insert(AdminToken token, String digest) {
        byDigest.put(digest, token);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<List<AdminToken>> list() {
        return CompletableFuture.completedFuture(byDigest.values().stream()
                .sorted(Comparator.comparing(AdminToken::createdAt).thenComparing(AdminToken::id))
                .toList());
    }

    @Override
    public synchronized CompletionStage<Boolean> revoke(String id) {
        return CompletableFuture.completedFuture(byDigest.values().removeIf(token -> token.id().equals(id)));
    }
}
