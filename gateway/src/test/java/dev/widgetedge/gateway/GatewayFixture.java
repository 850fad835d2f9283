package dev.widgetedge.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widgetedge.admin.AdminServer;
import dev.widgetedge.admin.AdminTokens;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.key.AdminTokenFormat;
import dev.widgetedge.core.store.RedisAdminTokenStore;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.store.RedisWidgetKeyStore;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HeaderTimeout;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.Metrics;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The production wiring on free ports: a real redis-server, the real admin API on it, and one or
 * more gateways on it, each with its own Redis connections and its own meter registry. Keys are
 * made through the admin API over HTTP, as an operator would.
 */
final class GatewayFixture implements AutoCloseable {

    static final String ACCOUNT = "acct_gw";
    static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoops loops = EventLoops.create();
    private final RedisServer redis;
    private final RedisConnector adminRedis;
    private final HttpServer admin;
    private final String adminToken = AdminTokenFormat.mintToken();
    private final List<RedisConnector> gatewayRedis = new ArrayList<>();
    private final List<Gateway> gateways = new ArrayList<>();
    private final List<PrometheusMeterRegistry> registries = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(RedisServer redis, GatewaySettings settings, int gatewayCount) {
        this.redis = redis;
        adminRedis = RedisConnector.start(redis.uri(), Duration.ofSeconds(2));
        RedisAdminTokenStore tokens = new RedisAdminTokenStore(adminRedis);
        admin = AdminServer.start(loops, "127.0.0.1", 0, new RedisWidgetKeyStore(adminRedis), tokens,
                Metrics.newRegistry(), Clock.systemUTC(), HeaderTimeout.DEFAULT, AuditLimits.defaults());
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            AdminTokens.issue(tokens, adminToken, "gateway tests", AccountScope.of(Set.of(ACCOUNT)), Clock.systemUTC())
                    .toCompletableFuture().join();
            return true;
        });
        for (int i = 0; i < gatewayCount; i++) {
            startGateway(settings);
        }
        for (RedisConnector connector : gatewayRedis) {
            await().atMost(Duration.ofSeconds(20)).until(connector::isConnected);
        }
        for (int i = 0; i < gatewayCount; i++) {
            awaitTrusted(i);
        }
    }

    /**
     * Starts one more gateway on the fixture's Redis, without waiting for it to connect or to
     * trust its existence filter (it may be unreachable); returns its index.
     */
    int startGateway(GatewaySettings settings) {
        RedisConnector connector = RedisConnector.start(redis.uri(), settings.storeTimeout());
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        gatewayRedis.add(connector);
        registries.add(registry);
        gateways.add(Gateway.start(loops, "127.0.0.1", 0, settings, new RedisWidgetKeyStore(connector),
                registry, Clock.systemUTC()));
        return gateways.size() - 1;
    }

    /** Waits until gateway {@code index} trusts its existence filter. */
    void awaitTrusted(int index) {
        await().atMost(Duration.ofSeconds(20)).until(() -> gateways.get(index).existenceFilter().isTrusted());
    }

    static GatewayFixture start(RedisServer redis, GatewaySettings settings, int gatewayCount) {
        return new GatewayFixture(redis, settings, gatewayCount);
    }

    Gateway gateway(int index) {
        return gateways.get(index);
    }

    int gatewayCount() {
        return gateways.size();
    }

    PrometheusMeterRegistry registry(int index) {
        return registries.get(index);
    }

    /** One HTTP exchange as the client saw it. */
    record Response(int status, HttpHeaders headers, String body) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        List<String> headerValues(String name) {
            return headers.allValues(name);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request builder for gateway {@code index}, with {@code Origin} set when not null. */
    HttpRequest.Builder gatewayRequest(int index, String path, String origin) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateways.get(index).server().port() + path))
                .timeout(Duration.ofSeconds(20));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return builder;
    }

    /** {@code GET /v1/widget/bootstrap?key=…} on gateway {@code index}. */
    Response bootstrap(int index, String key, String origin) {
        String path = "/v1/widget/bootstrap" + (key == null ? "" : "?key=" + key);
        return send(gatewayRequest(index, path, origin).GET().build());
    }

    /** A key created through the admin API: its plaintext and id. */
    record Key(String plaintext, String id) {
    }

    Key createKey(String... allowlist) {
        return createKeyWithLimits("null", allowlist);
    }

    /** A key created through the admin API with {@code rateLimits} (the JSON of its {@code rate_limits}). */
    Key createKeyWithLimits(String rateLimits, String... allowlist) {
        StringBuilder body = new StringBuilder("{\"name\":\"gateway test\",\"agent_id\":\"agent_7\",\"rate_limits\":")
                .append(rateLimits).append(",\"domain_allowlist\":[");
        for (int i = 0; i < allowlist.length; i++) {
            body.append(i == 0 ? "" : ",").append('"').append(allowlist[i]).append('"');
        }
        Response created = admin("POST", "/api/v1/widget-keys", body.append("]}").toString());
        if (created.status() != 201) {
            throw new IllegalStateException("create failed: " + created.status() + " " + created.body());
        }
        JsonNode json = created.json();
        return new Key(json.get("key").asText(), json.get("id").asText());
    }

    /** A call on the admin API with the fixture's token. */
    Response admin(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .header("Authorization", "Bearer " + adminToken)
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return send(request);
    }

    /** The key as the admin API lists it. */
    JsonNode listed(String id) {
        for (JsonNode key : admin("GET", "/api/v1/widget-keys", null).json()) {
            if (key.get("id").asText().equals(id)) {
                return key;
            }
        }
        return null;
    }

    /** The value of a counter (or sum of a meter's counters with these tags) on gateway {@code index}. */
    double counter(int index, String name, String... tags) {
        var search = registries.get(index).find(name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        return search.counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    @Override
    public void close() {
        for (Gateway gateway : gateways) {
            try {
                gateway.server().stopAccepting();
                gateway.server().awaitDrained(System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gateway.close();
        }
        try {
            admin.stopAccepting();
            admin.awaitDrained(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gatewayRedis.forEach(RedisConnector::close);
        adminRedis.close();
        loops.close();
    }
}
