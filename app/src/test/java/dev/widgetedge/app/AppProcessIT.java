package dev.widgetedge.app;

import static dev.widgetedge.app.PackagedJar.portAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.app.PackagedJar.Running;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged executable ({@code app/target/widget-edge.jar}) as a real process: it starts,
 * serves, prints what {@code dev} promises, and on SIGTERM finishes the request in flight and
 * exits 0.
 */
class AppProcessIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PackagedJar jar = new PackagedJar();

    @AfterEach
    void killLeftovers() {
        jar.close();
    }

    @Test
    void dev_printsItsEndpointsAndToken_servesTheAdminApi_andExits0OnSigterm() throws Exception {
        String token = "test-token-0123456789";
        Running dev = jar.start("dev", "--port", "0", "--admin-port", "0", "--ops-port", "0", "--admin-token", token,
                "--no-demo");

        int adminPort = portAfter(dev.lineContaining("admin API    http://127.0.0.1:"), "127.0.0.1:");
        assertThat(dev.lineContaining("admin token")).contains(token);
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + adminPort + "/api/v1/widget-keys"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).isEqualTo("[]");

        dev.process().destroy();

        assertThat(dev.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(dev.process().exitValue()).isZero();
        assertThat(dev.lineContaining("stopped")).contains("RunningServers");
    }

    @Test
    void dev_createsADemoKey_andPrintsItWithCallsThatUseIt_butNeverLogsIt() throws Exception {
        String token = "test-token-0123456789";
        Running dev = jar.start("dev", "--port", "0", "--admin-port", "0", "--ops-port", "0", "--admin-token", token,
                "--account", "acct_demo");
        int gatewayPort = portAfter(dev.lineContaining("gateway      http://127.0.0.1:"), "127.0.0.1:");
        int adminPort = portAfter(dev.lineContaining("admin API    http://127.0.0.1:"), "127.0.0.1:");
        dev.lineContaining("Stop with");
        String demoLine = dev.lineContaining("demo key     pk_live_");
        String key = demoLine.replaceAll(".*demo key +(pk_live_[0-9A-Za-z]+) .*", "$1");
        String id = demoLine.replaceAll(".*\\(id ([0-9a-f-]{36}),.*", "$1");
        assertThat(key).hasSize(44);
        assertThat(id).hasSize(36);

        String keys = "http://127.0.0.1:" + adminPort + "/api/v1/widget-keys";
        String gateway = "http://127.0.0.1:" + gatewayPort;
        assertThat(dev.stdoutLines()).contains(
                "  TOKEN='" + token + "'",
                "  KEYS=" + keys,
                "  curl -si -w '\\n' \"" + gateway + "/v1/widget/bootstrap?key=" + key
                        + "\" -H \"Origin: http://localhost:8000\"",
                "  <script src=\"" + gateway + "/v1/widget.js\" data-client-key=\"" + key + "\"></script>");

        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(keys))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.body()).contains("\"id\":\"" + id + "\"", "\"account_id\":\"acct_demo\"", "\"name\":\"demo\"",
                "\"domain_allowlist\":[\"http://localhost:8000\",\"http://127.0.0.1:8000\"]",
                "\"key_last8\":\"" + key.substring(36) + "\"");
        for (String origin : List.of("http://localhost:8000", "http://127.0.0.1:8000")) {
            HttpResponse<String> bootstrap = bootstrap(gateway, key, origin);
            assertThat(bootstrap.statusCode()).as(origin).isEqualTo(200);
            assertThat(bootstrap.body()).contains("\"key_id\":\"" + id + "\"", "\"account_id\":\"acct_demo\"");
        }
        assertThat(bootstrap(gateway, key, "http://localhost:8001").statusCode()).isEqualTo(403);

        dev.process().destroy();
        assertThat(dev.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dev.stderr(), StandardCharsets.UTF_8)).doesNotContain(key);
    }

    @Test
    void dev_onATakenPort_failsBeforeCreatingOrLoggingADemoKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Running dev = jar.start("dev", "--port", "0", "--admin-port", String.valueOf(taken.getLocalPort()),
                    "--ops-port", "0", "--admin-token", "test-token-0123456789");

            assertThat(dev.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dev.process().exitValue()).isEqualTo(1);
            assertThat(dev.stdoutLines()).isEmpty();
            List<String> errors = Files.readAllLines(dev.stderr(), StandardCharsets.UTF_8);
            assertThat(errors).noneMatch(line -> line.contains("widget key created") || line.contains("pk_live_"));
            assertThat(errors).last().asString().startsWith("widget-edge: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort());
        }
    }

    private HttpResponse<String> bootstrap(String gateway, String key, String origin)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/widget/bootstrap?key=" + key))
                .header("Origin", origin).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void admin_onSigterm_finishesTheRequestInFlight_thenExits0() throws Exception {
        String token = tokenFromCli();
        Running admin = jar.start("admin", "--redis", REDIS.server().uri(), "--port", "0", "--ops-port", "0");
        String listening = admin.lineContaining("admin API listening on");
        int port = portAfter(listening, "0.0.0.0:");
        int opsPort = portAfter(listening, "ops on port ");
        await().atMost(Duration.ofSeconds(30)).until(() -> get(opsPort, "/readyz").statusCode() == 200);

        CompletableFuture<HttpResponse<String>> inFlight;
        try (RedisClient client = RedisClient.create(REDIS.server().uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            // Writes wait for 1.5 s, so the create below is in flight when SIGTERM arrives.
            connection.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(1_500).add("WRITE"));
            inFlight = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/widget-keys"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"in flight\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> get(opsPort, "/metrics").body()
                    .contains("widget_admin_requests_in_flight 1.0"));

            admin.process().destroy();
        }

        assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
        assertThat(admin.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(admin.process().exitValue()).isZero();
    }

    @Test
    void dev_onSigterm_finishesAProxiedRequestInFlight_thenExits0() throws Exception {
        CountDownLatch upstreamReached = new CountDownLatch(1);
        CountDownLatch releaseUpstream = new CountDownLatch(1);
        com.sun.net.httpserver.HttpServer upstream =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 8);
        upstream.createContext("/", exchange -> {
            upstreamReached.countDown();
            try {
                releaseUpstream.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"slow\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        upstream.start();
        try {
            String token = "test-token-0123456789";
            Running dev = jar.start("dev", "--port", "0", "--admin-port", "0", "--ops-port", "0", "--admin-token", token,
                    "--upstream", "http://127.0.0.1:" + upstream.getAddress().getPort());
            int gatewayPort = portAfter(dev.lineContaining("gateway      http://127.0.0.1:"), "127.0.0.1:");
            int adminPort = portAfter(dev.lineContaining("admin API    http://127.0.0.1:"), "127.0.0.1:");
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + adminPort + "/api/v1/widget-keys"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"drain\",\"domain_allowlist\":[\"http://localhost:8000\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String key = created.body().replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");

            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + gatewayPort + "/v1/widget/slow?key=" + key))
                    .header("Origin", "http://localhost:8000").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upstreamReached.await(20, TimeUnit.SECONDS)).isTrue();

            dev.process().destroy();
            dev.lineContaining("shutting down");
            releaseUpstream.countDown();

            HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(answered.body()).isEqualTo("{\"slow\":true}");
            assertThat(answered.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:8000");
            assertThat(dev.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dev.process().exitValue()).isZero();
        } finally {
            releaseUpstream.countDown();
            upstream.stop(0);
        }
    }

    @Test
    void gateway_onRedis_becomesReady_decides_andExits0OnSigterm() throws Exception {
        Running gateway = jar.start("gateway", "--redis", REDIS.server().uri(), "--port", "0", "--ops-port", "0");
        String listening = gateway.lineContaining("gateway listening on");
        int port = portAfter(listening, "0.0.0.0:");
        int opsPort = portAfter(listening, "ops on port ");
        await().atMost(Duration.ofSeconds(30)).until(() -> get(opsPort, "/readyz").statusCode() == 200);

        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/widget/bootstrap?key=" + dev.widgetedge.core.key.WidgetKeyFormat.mint()))
                .header("Origin", "https://acme.com").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).contains("\"error\":\"unknown_key\"");
        assertThat(get(opsPort, "/metrics").body()).contains("widget_gateway_requests_total{outcome=\"unknown_key\"} 1.0");

        gateway.process().destroy();

        assertThat(gateway.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gateway.process().exitValue()).isZero();
    }

    @Test
    void gatewayReadiness_waitsForTheStoreOnce_thenSurvivesAnOutage() throws Exception {
        REDIS.server().stop();
        Running gateway = jar.start("gateway", "--redis", REDIS.server().uri(), "--port", "0", "--ops-port", "0",
                "--store-timeout", "300ms");
        int opsPort = portAfter(gateway.lineContaining("gateway listening on"), "ops on port ");
        assertThat(get(opsPort, "/readyz").statusCode()).as("never reached the store yet").isEqualTo(503);
        assertThat(get(opsPort, "/healthz").statusCode()).isEqualTo(200);

        REDIS.server().start();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(opsPort, "/readyz").statusCode() == 200);
        REDIS.server().stop();
        try {
            assertThat(get(opsPort, "/readyz").statusCode())
                    .as("cached decisions keep serving through an outage, so the gateway stays in rotation")
                    .isEqualTo(200);
        } finally {
            REDIS.server().start();
        }
    }

    private String tokenFromCli() throws Exception {
        Running create = jar.start("tokens", "create", "--account", "acct_drain", "--redis", REDIS.server().uri());
        assertThat(create.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(create.process().exitValue()).isZero();
        return create.stdoutLines().get(0);
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
