package dev.widgetedge.admin;

import dev.widgetedge.core.audit.Actor;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKeyChanges;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The authenticated calls of the admin API, one method each: validate the body or query, call
 * the service, render the answer. Validation comes before the key is looked up (a bad body or
 * query is the caller's error either way), so a {@code 400} never says whether a key exists.
 */
final class KeyEndpoints {

    static final int MAX_HOURS = 168;
    static final int DEFAULT_HOURS = 24;
    static final int MAX_DAYS = 90;
    static final int DEFAULT_DAYS = 30;
    static final int MAX_EVENTS = 500;
    static final int DEFAULT_EVENTS = 100;

    /** One authenticated call: who, for which account, on which route, with what. */
    record Call(HttpMethod method, AdminRoute route, String idSegment, Actor actor, String account, byte[] body,
            String uri) {
    }

    private final WidgetKeyService keys;
    private final ActivityService activity;
    private final Clock clock;

    KeyEndpoints(WidgetKeyStore store, Clock clock, AuditLimits auditLimits) {
        this.keys = new WidgetKeyService(store, clock);
        this.activity = new ActivityService(store, keys, auditLimits, clock);
        this.clock = clock;
    }

    CompletionStage<Reply> serve(Call call) {
        return switch (call.route()) {
            case KEYS -> call.method().equals(HttpMethod.GET) ? list(call) : create(call);
            case ONE_KEY -> call.method().equals(HttpMethod.PATCH) ? update(call) : delete(call);
            case ROTATE -> rotate(call);
            case ORIGINS -> origins(call);
            case USAGE -> usage(call);
            case AUDIT_EVENTS -> auditEvents(call);
            case OPENAPI, UNMATCHED -> throw new IllegalArgumentException("not an authenticated call: " + call.route());
        };
    }

    private CompletionStage<Reply> list(Call call) {
        return keys.list(call.account()).thenApply(found -> Reply.json(HttpResponseStatus.OK, WidgetKeyJson.list(found)));
    }

    private CompletionStage<Reply> create(Call call) {
        KeySettings settings = WidgetKeyRequests.parseCreate(call.body(), now());
        return keys.create(call.actor(), call.account(), settings).thenApply(KeyEndpoints::created);
    }

    private CompletionStage<Reply> update(Call call) {
        WidgetKeyChanges changes = WidgetKeyRequests.parseUpdate(call.body(), now());
        return withId(call, id -> keys.update(call.actor(), call.account(), id, changes)
                .thenApply(KeyEndpoints::noContentOrNotFound));
    }

    private CompletionStage<Reply> delete(Call call) {
        return withId(call, id -> keys.delete(call.actor(), call.account(), id).thenApply(KeyEndpoints::noContentOrNotFound));
    }

    private CompletionStage<Reply> rotate(Call call) {
        Duration grace = WidgetKeyRequests.parseRotate(call.body());
        return withId(call, id -> keys.rotate(call.actor(), call.account(), id, grace).thenApply(rotation -> {
            if (rotation instanceof WidgetKeyService.Rotation.Rotated rotated) {
                return created(rotated.successor());
            }
            throw rotation instanceof WidgetKeyService.Rotation.Disabled ? ApiError.keyDisabled() : ApiError.keyNotFound();
        }));
    }

    private CompletionStage<Reply> origins(Call call) {
        int hours = QueryParameters.of(call.uri()).integer("hours", 1, MAX_HOURS, DEFAULT_HOURS);
        return withId(call, id -> activity.origins(call.account(), id, hours)
                .thenApply(rows -> Reply.json(HttpResponseStatus.OK, ActivityJson.origins(found(rows)))));
    }

    private CompletionStage<Reply> usage(Call call) {
        int days = QueryParameters.of(call.uri()).integer("days", 1, MAX_DAYS, DEFAULT_DAYS);
        return withId(call, id -> activity.usage(call.account(), id, days)
                .thenApply(rows -> Reply.json(HttpResponseStatus.OK, ActivityJson.usage(found(rows)))));
    }

    private CompletionStage<Reply> auditEvents(Call call) {
        QueryParameters query = QueryParameters.of(call.uri());
        String keyIdText = query.single("key_id");
        UUID keyId = keyIdText == null ? null : KeyIds.parse(keyIdText);
        if (keyIdText != null && keyId == null) {
            throw ApiError.invalidQuery("key_id must be a widget key id");
        }
        int limit = query.integer("limit", 1, MAX_EVENTS, DEFAULT_EVENTS);
        String before = query.single("before");
        if (before != null && !EventIds.isWellFormed(before)) {
            throw ApiError.invalidQuery("before");
        }
        return activity.auditEvents(call.account(), keyId, before, limit).thenApply(page -> Reply.json(
                HttpResponseStatus.OK, ActivityJson.auditEvents(page.orElseThrow(() -> ApiError.invalidQuery("before")))));
    }

    private static Reply created(WidgetKeyService.Created created) {
        return Reply.created(WidgetKeyJson.created(created.key(), created.plaintextKey()),
                AdminRoute.KEYS.template() + "/" + created.key().id());
    }

    private static CompletionStage<Reply> withId(Call call, Function<UUID, CompletionStage<Reply>> serve) {
        UUID id = KeyIds.parse(call.idSegment());
        return id == null ? CompletableFuture.failedFuture(ApiError.keyNotFound()) : serve.apply(id);
    }

    private static <T> T found(Optional<T> value) {
        return value.orElseThrow(ApiError::keyNotFound);
    }

    private static Reply noContentOrNotFound(WidgetKeyService.Outcome outcome) {
        if (outcome == WidgetKeyService.Outcome.NOT_FOUND) {
            throw ApiError.keyNotFound();
        }
        return Reply.noContent();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
