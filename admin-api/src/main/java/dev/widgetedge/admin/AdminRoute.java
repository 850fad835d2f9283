package dev.widgetedge.admin;

import dev.widgetedge.server.RefusedRequestException;
import dev.widgetedge.server.RequestTarget;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin API's routes. {@code /v1/widget-keys} is an alias of {@code /api/v1/widget-keys}, for
 * every path under it (the seed's curl examples use it); metrics label both with the canonical
 * template.
 */
enum AdminRoute {
    KEYS("/api/v1/widget-keys", Set.of(HttpMethod.GET, HttpMethod.POST)),
    ONE_KEY("/api/v1/widget-keys/{id}", Set.of(HttpMethod.PATCH, HttpMethod.DELETE)),
    ROTATE("/api/v1/widget-keys/{id}/rotate", Set.of(HttpMethod.POST)),
    ORIGINS("/api/v1/widget-keys/{id}/origins", Set.of(HttpMethod.GET)),
    USAGE("/api/v1/widget-keys/{id}/usage", Set.of(HttpMethod.GET)),
    AUDIT_EVENTS("/api/v1/audit-events", Set.of(HttpMethod.GET)),
    OPENAPI("/api/v1/openapi.json", Set.of(HttpMethod.GET)),
    UNMATCHED("unmatched", Set.of());

    private static final String CANONICAL = "/api/v1/widget-keys";
    private static final String ALIAS = "/v1/widget-keys";

    private final String template;
    private final Set<HttpMethod> methods;
    private final String allowHeader;

    AdminRoute(String template, Set<HttpMethod> methods) {
        this.template = template;
        this.methods = methods;
        this.allowHeader = methods.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
    }

    /** The path template, used as the {@code route} metric label. */
    String template() {
        return template;
    }

    boolean allows(HttpMethod method) {
        return methods.contains(method);
    }

    /** The value of the {@code Allow} header of a 405 on this route. */
    String allowHeader() {
        return allowHeader;
    }

    /** A matched route and, for the routes of one key, the raw id path segment. */
    record Match(AdminRoute route, String id) {
    }

    /** The route of a raw request target, for metrics; a target that does not parse is unmatched. */
    static AdminRoute routeOf(String target) {
        try {
            return match(RequestTarget.parse(target).path()).route();
        } catch (RefusedRequestException refused) {
            return UNMATCHED;
        }
    }

    /** Matches a raw request path (no query string). */
    static Match match(String path) {
        if (path.equals(OPENAPI.template)) {
            return new Match(OPENAPI, null);
        }
        if (path.equals(AUDIT_EVENTS.template)) {
            return new Match(AUDIT_EVENTS, null);
        }
        String rest;
        if (path.startsWith(CANONICAL)) {
            rest = path.substring(CANONICAL.length());
        } else if (path.startsWith(ALIAS)) {
            rest = path.substring(ALIAS.length());
        } else {
            return new Match(UNMATCHED, null);
        }
        if (rest.isEmpty()) {
            return new Match(KEYS, null);
        }
        if (rest.length() < 2 || rest.charAt(0) != '/') {
            return new Match(UNMATCHED, null);
        }
        int slash = rest.indexOf('/', 1);
        if (slash < 0) {
            return new Match(ONE_KEY, rest.substring(1));
        }
        if (slash == 1) {
            return new Match(UNMATCHED, null);
        }
        String id = rest.substring(1, slash);
        return switch (rest.substring(slash)) {
            case "/rotate" -> new Match(ROTATE, id);
            case "/origins" -> new Match(ORIGINS, id);
            case "/usage" -> new Match(USAGE, id);
            default -> new Match(UNMATCHED, null);
        };
    }
}
