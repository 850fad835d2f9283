package dev.widgetedge.admin;

import dev.widgetedge.core.audit.Actor;
import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The widget-keys operations of the admin API, independent of HTTP. Mutations read, decide and
 * write conditionally on the version read; on a conflict with a concurrent writer (another admin
 * call, or the gateway recording a first use before a delete) they read again and retry. Every
 * mutation that is applied writes its audit event with it, naming {@code actor}, and is logged.
 */
public final class WidgetKeyService {

    private static final int MAX_ATTEMPTS = 8;

    /** The outcome of update and delete. */
    public enum Outcome { CHANGED, UNCHANGED, DELETED, NOT_FOUND }

    /** A created key and its plaintext, which is shown this once and never again. */
    public record Created(WidgetKey key, String plaintextKey) {
    }

    /** The outcome of a rotation: the new key, or why there is none. */
    public sealed interface Rotation {
        record Rotated(Created successor) implements Rotation {
        }

        record NotFound() implements Rotation {
        }

        record Disabled() implements Rotation {
        }
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
    public CompletionStage<Created> create(Actor actor, String accountId, KeySettings settings) {
        return createAttempt(actor, accountId, settings, 1);
    }

    private CompletionStage<Created> createAttempt(Actor actor, String accountId, KeySettings settings, int attempt) {
        Instant now = now();
        String plaintext = WidgetKeyFormat.mint();
        WidgetKey key = WidgetKey.created(KeyDigest.keyId(plaintext), accountId, WidgetKeyFormat.last8(plaintext),
                settings, now, null);
        AuditEvent event = AuditTrail.created(key, actor, now);
        return store.insert(key, KeyDigest.sha256Hex(plaintext), now, event).thenCompose(inserted -> {
            if (inserted) {
                AuditTrail.log(event);
                return CompletableFuture.completedFuture(new Created(key, plaintext));
            }
            // Only an id collision of two random 178-bit keys gets here; mint another.
            return retry(attempt, next -> createAttempt(actor, accountId, settings, next));
        });
    }

    /** Applies a PATCH. Unchanged when the changes leave the key as it was. */
    public CompletionStage<Outcome> update(Actor actor, String accountId, UUID id, WidgetKeyChanges changes) {
        return mutate(actor, accountId, id, (current, now) -> {
            WidgetKey next = current.key().apply(changes, now);
            return next == current.key() ? Write.NONE : Write.replace(next);
        }, 1);
    }

    /**
     * DELETE: removes a key that was never used; disables a used one, keeping its row for the
     * audit trail.
     */
    public CompletionStage<Outcome> delete(Actor actor, String accountId, UUID id) {
        return mutate(actor, accountId, id, (current, now) -> {
            if (current.key().lastUsedAt() == null) {
                return Write.REMOVE;
            }
            WidgetKey next = current.key().disable(now);
            return next == current.key() ? Write.NONE : Write.replace(next);
        }, 1);
    }

    /**
     * Replaces a key with a new one of the same settings (but no expiry): the old key expires
     * {@code grace} from now, unless it expires sooner already, and names the new one. A disabled
     * key is not rotated; an expired one is.
     */
    public CompletionStage<Rotation> rotate(Actor actor, String accountId, UUID id, Duration grace) {
        return rotateAttempt(actor, accountId, id, grace, 1);
    }

    private CompletionStage<Rotation> rotateAttempt(Actor actor, String accountId, UUID id, Duration grace,
            int attempt) {
        return findInAccount(accountId, id).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(new Rotation.NotFound());
            }
            StoredWidgetKey current = found.get();
            if (current.key().disabled()) {
                return CompletableFuture.completedFuture(new Rotation.Disabled());
            }
            Instant now = now();
            String plaintext = WidgetKeyFormat.mint();
            WidgetKey old = current.key();
            WidgetKey successor = WidgetKey.created(KeyDigest.keyId(plaintext), accountId,
                    WidgetKeyFormat.last8(plaintext), old.settings().withExpiresAt(null), now, old.id());
            WidgetKey retired = old.rotatedTo(successor.id(), now, grace);
            AuditEvent rotatedEvent = AuditTrail.rotated(old, retired, actor, now);
            AuditEvent createdEvent = AuditTrail.created(successor, actor, now);
            return store.rotate(current, retired, successor, KeyDigest.sha256Hex(plaintext), now, rotatedEvent,
                    createdEvent).thenCompose(result -> switch (result) {
                        case ROTATED -> {
                            AuditTrail.log(rotatedEvent);
                            AuditTrail.log(createdEvent);
                            yield CompletableFuture.completedFuture(
                                    (Rotation) new Rotation.Rotated(new Created(successor, plaintext)));
                        }
                        case CONFLICT, ID_TAKEN -> retry(attempt, next -> rotateAttempt(actor, accountId, id, grace, next));
                    });
        });
    }

    /** What a mutation decided to write. */
    private record Write(boolean remove, WidgetKey replacement) {
        static final Write NONE = new Write(false, null);
        static final Write REMOVE = new Write(true, null);

        static Write replace(WidgetKey next) {
            return new Write(false, next);
        }
    }

    private interface Decision {
        Write decide(StoredWidgetKey current, Instant now);
    }

    private CompletionStage<Outcome> mutate(Actor actor, String accountId, UUID id, Decision decision, int attempt) {
        return findInAccount(accountId, id).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Outcome.NOT_FOUND);
            }
            StoredWidgetKey current = found.get();
            Instant now = now();
            Write write = decision.decide(current, now);
            if (write == Write.NONE) {
                return CompletableFuture.completedFuture(Outcome.UNCHANGED);
            }
            AuditEvent event = write.remove()
                    ? AuditTrail.deleted(current.key(), actor, now)
                    : AuditTrail.changed(current.key(), write.replacement(), actor, now);
            CompletionStage<Boolean> applied = write.remove()
                    ? store.removeUnused(current, now, event)
                    : store.replace(current, write.replacement(), now, event);
            return applied.thenCompose(ok -> {
                if (!ok) {
                    return retry(attempt, next -> mutate(actor, accountId, id, decision, next));
                }
                AuditTrail.log(event);
                return CompletableFuture.completedFuture(write.remove() ? Outcome.DELETED : Outcome.CHANGED);
            });
        });
    }

    /** The key with this id if it is the account's; a key of another account is reported exactly like a missing one. */
    CompletionStage<Optional<StoredWidgetKey>> findInAccount(String accountId, UUID id) {
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
