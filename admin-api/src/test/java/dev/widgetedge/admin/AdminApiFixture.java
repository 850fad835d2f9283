package dev.widgetedge.admin;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.key.AdminTokenFormat;
import dev.widgetedge.core.store.Invalidation;
import dev.widgetedge.core.store.InvalidationListener;
import dev.widgetedge.core.store.RedisAdminTokenStore;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.store.RedisWidgetKeyStore;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HeaderTimeout;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.Metrics;
import dev.widgetedge.server.OpsServer;
import dev.widgetedge.testing.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The real admin API (production wiring) on a free port, against a real {@code redis-server},
 * with its ops server, and a real HTTP client. Every response from a documented path, headers
 * included, is checked against the OpenAPI document.
 */
final class AdminApiFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final RedisConnector redis;
    final RedisWidgetKeyStore keys;
    final RedisAdminTokenStore tokens;
    final PrometheusMeterRegistry registry = Metrics.newRegistry();
    final EventLoops loops = EventLoops.create();
    final HttpServer admin;
    final HttpServer ops;
    /** Every invalidation published on the store's channel since the fixture started, in order. */
    final BlockingQueue<Invalidation> published = new LinkedBlockingQueue<>();
    private final AutoCloseable subscription;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminApiFixture(RedisServer server, Duration storeTimeout, Duration headerTimeout) {
        redis = RedisConnector.start(server.uri(), storeTimeout);
        keys = new RedisWidgetKeyStore(redis);
        tokens = new RedisAdminTokenStore(redis);
        admin = AdminServer.start(loops, "127.0.0.1", 0, keys, tokens, registry, Clock.systemUTC(), headerTimeout,
                AuditLimits.defaults());
        ops = OpsServer.start(loops, "127.0.0.1", 0, registry,
                () -> keys.ping().thenApply(pong -> true).exceptionally(error -> false));
        subscription = keys.subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
                published.add(invalidation);
            }

            @Override
            public void onResubscribed() {
            }
        });
        awaitStoreReachable();
    }

    static AdminApiFixture start(RedisServer server) {
        return start(server, Duration.ofSeconds(2));
    }

    static AdminApiFixture start(RedisServer server, Duration storeTimeout) {
        return new AdminApiFixture(server, storeTimeout, HeaderTimeout.DEFAULT);
    }

    /** An admin API whose clients have {@code headerTimeout} to send a request head. */
    static AdminApiFixture startWithHeaderTimeout(RedisServer server, Duration headerTimeout) {
        return new AdminApiFixture(server, Duration.ofSeconds(2), headerTimeout);
    }

    /** Issues a token for {@code scope} and returns the plaintext. */
    String issueToken(AccountScope scope) {
        return issue(scope).token();
    }

    /** A token with its stored metadata. */
    record Issued(String token, AdminToken metadata) {
    }

    Issued issue(AccountScope scope) {
        String token = AdminTokenFormat.mintToken();
        AdminToken metadata = AdminTokens.issue(tokens, token, "test", scope, Clock.systemUTC())
                .toCompletableFuture().join();
        return new Issued(token, metadata);
    }

    /** One HTTP exchange as the client saw it. */
    record Response(int status, HttpHeaders headers, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** A request to the admin API; {@code token}, {@code account} and {@code body} may be null. */
    Response call(String method, String path, String token, String account, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(adminUri(path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (account != null) {
            request.header("X-Account-ID", account);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.build());
    }

    /** Sends a request built by the test, checking a documented operation's response. */
    Response send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Response answer = new Response(response.statusCode(), response.headers(), response.body());
        String template = documentedTemplate(request.uri().getPath());
        if (template != null) {
            OpenApiContract.assertResponseAndHeadersMatch(request.method(), template, answer.status(),
                    answer.headers().map(), answer.body());
        }
        return answer;
    }

    /** Sends {@code request} without waiting, for tests that act while it is in flight. */
    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + admin.port() + path);
    }

    /** A GET on the ops port. */
    Response ops(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path))
                .timeout(Duration.ofSeconds(20)).GET().build();
        return send(request);
    }

    /** Waits until the store answers through the admin API's own connection. */
    void awaitStoreReachable() {
        await().atMost(Duration.ofSeconds(20)).until(() -> ops("/readyz").status() == 200);
    }

    /** The documented path a request went to, whatever its method (a 405 is documented too), or null. */
    private static String documentedTemplate(String path) {
        String canonical = path.startsWith("/v1/widget-keys") ? "/api" + path : path;
        if (canonical.equals("/api/v1/widget-keys") || canonical.equals("/api/v1/openapi.json")
                || canonical.equals("/api/v1/audit-events")) {
            return canonical;
        }
        String prefix = "/api/v1/widget-keys/";
        if (!canonical.startsWith(prefix) || canonical.length() == prefix.length()) {
            return null;
        }
        String rest = canonical.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return "/api/v1/widget-keys/{id}";
        }
        String tail = rest.substring(slash);
        return slash > 0 && List.of("/rotate", "/origins", "/usage").contains(tail)
                ? "/api/v1/widget-keys/{id}" + tail : null;
    }

    @Override
    public void close() {
        try {
            subscription.close();
            admin.stopAccepting();
            admin.awaitDrained(System.nanoTime());
            ops.stopAccepting();
            ops.awaitDrained(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("closing the invalidation subscription", e);
        }
        redis.close();
        loops.close();
    }
}
