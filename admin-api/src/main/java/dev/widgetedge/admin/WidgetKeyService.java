package dev.widgetedge.admin;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The widget-keys operations of the admin API, independent of HTTP. Mutations read, decide and
 * write conditionally on the version read; on a conflict with a concurrent writer (another admin
 * call, or the gateway recording a first use before a delete) they read again and retry.
 */
public final class WidgetKeyService {

    private static final Logger LOG = LoggerFactory.getLogger(WidgetKeyService.class);
    private static final int MAX_ATTEMPTS = 8;

    /** The outcome of update and delete. */
    public enum Outcome { CHANGED, UNCHANGED, DELETED, NOT_FOUND }

    /** A created key and its plaintext, which is shown this once and never again. */
    public record Created(WidgetKey key, String plaintextKey) {
    }

    private final WidgetKeyStore store;
    private final Clock clock;

    public WidgetKeyService(WidgetKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The account's keys, newest first. */
    public CompletionStage<List<WidgetKey>> list(String accountId) {
        return store.listByAccount(accountId);
    }

    /** Mints a key and stores it; publishes its invalidation. */
    public CompletionStage<Created> create(String accountId, String name, String agentId, List<String> allowlist) {
        return createAttempt(accountId, name, agentId, allowlist, 1);
    }

    private CompletionStage<Created> createAttempt(String accountId, String name, String agentId,
            List<String> allowlist, int attempt) {
        Instant now = now();
        String plaintext = WidgetKeyFormat.mint();
        WidgetKey key = new WidgetKey(KeyDigest.keyId(plaintext), accountId, name, agentId, allowlist,
                WidgetKeyFormat.last8(plaintext), now, now, null, null);
        return store.insert(key, KeyDigest.sha256Hex(plaintext), now).thenCompose(inserted -> {
            if (inserted) {
                LOG.atInfo().setMessage("widget key created").addKeyValue("key_id", key.id())
                        .addKeyValue("account", accountId).addKeyValue("key_last8", key.keyLast8()).log();
                return CompletableFuture.completedFuture(new Created(key, plaintext));
            }
            // Only an id collision of two random 178-bit keys gets here; mint another.
            return retry(attempt, next -> createAttempt(accountId, name, agentId, allowlist, next));
        });
    }

    /** Applies a PATCH. Unchanged when the changes leave the key as it was. */
    public CompletionStage<Outcome> update(String accountId, UUID id, WidgetKeyChanges changes) {
        return mutate(accountId, id, current -> {
            WidgetKey next = current.key().apply(changes, now());
            return next == current.key() ? Write.NONE : Write.replace(next);
        }, 1);
    }

    /**
     * DELETE: removes a key that was never used; disables a used one, keeping its row for the
     * audit trail.
     */
    public CompletionStage<Outcome> delete(String accountId, UUID id) {
        return mutate(accountId, id, current -> {
            if (current.key().lastUsedAt() == null) {
                return Write.REMOVE;
            }
            WidgetKey next = current.key().disable(now());
            return next == current.key() ? Write.NONE : Write.replace(next);
        }, 1);
    }

    /** What a mutation decided to write. */
    private record Write(boolean remove, WidgetKey replacement) {
        static final Write NONE = new Write(false, null);
        static final Write REMOVE = new Write(true, null);

        static Write replace(WidgetKey next) {
            return new Write(false, next);
        }
    }

    private CompletionStage<Outcome> mutate(String accountId, UUID id, Function<StoredWidgetKey, Write> decide,
            int attempt) {
        return findInAccount(accountId, id).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Outcome.NOT_FOUND);
            }
            StoredWidgetKey current = found.get();
            Write write = decide.apply(current);
            if (write == Write.NONE) {
                return CompletableFuture.completedFuture(Outcome.UNCHANGED);
            }
            Instant now = now();
            CompletionStage<Boolean> applied = write.remove()
                    ? store.removeUnused(current, now)
                    : store.replace(current, write.replacement(), now);
            return applied.thenCompose(ok -> {
                if (!ok) {
                    return retry(attempt, next -> mutate(accountId, id, decide, next));
                }
                Outcome outcome = write.remove() ? Outcome.DELETED : Outcome.CHANGED;
                LOG.atInfo().setMessage(outcome == Outcome.DELETED ? "widget key deleted" : "widget key updated")
                        .addKeyValue("key_id", id).addKeyValue("account", accountId)
                        .addKeyValue("key_last8", current.key().keyLast8()).log();
                return CompletableFuture.completedFuture(outcome);
            });
        });
    }

    private CompletionStage<Optional<StoredWidgetKey>> findInAccount(String accountId, UUID id) {
        // A key of another account is reported exactly like a missing one.
        return store.findById(id).thenApply(found -> found.filter(k -> k.key().accountId().equals(accountId)));
    }

    private static <T> CompletionStage<T> retry(int attempt, Function<Integer, CompletionStage<T>> again) {
        if (attempt >= MAX_ATTEMPTS) {
            return CompletableFuture.failedFuture(
                    new StoreException("gave up after " + MAX_ATTEMPTS + " conflicting concurrent writes"));
        }
        return again.apply(attempt + 1);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
