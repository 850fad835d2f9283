package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Never a plaintext key or token in any log line" (docs/security.md): the packaged executable runs a full
 * scenario with the access log on — creates, uses, refuses, proxies, revokes and deletes a key,
 * rejects a wrong token and a malformed request that carries the key — and every line it logged
 * is searched for the key and the token.
 */
class LogSecretsIT {

    private static final String TOKEN = "log-secrets-token-0123456789";
    private static final String ORIGIN = "http://localhost:8000";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ParameterizedTest(name = "--log-format {0}")
    @ValueSource(strings = {"text", "json"})
    void noLogLine_containsTheKeyOrTheToken(String format) throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        upstream.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        upstream.start();
        try (PackagedJar jar = new PackagedJar()) {
            PackagedJar.Running dev = jar.start("dev", "--port", "0", "--admin-port", "0", "--ops-port", "0",
                    "--admin-token", TOKEN, "--no-demo", "--access-log", "--log-format", format,
                    "--upstream", "http://127.0.0.1:" + upstream.getAddress().getPort());
            int gateway = dev.portOnLine("gateway      http://127.0.0.1:", "127.0.0.1:");
            int admin = dev.portOnLine("admin API    http://127.0.0.1:", "127.0.0.1:");
            List<String> keys = runScenario(gateway, admin);
            String actor = call(admin, "GET", "/api/v1/audit-events?limit=1", TOKEN, null).body()
                    .replaceAll(".*\"token_id\":\"([^\"]+)\".*", "$1");

            dev.process().destroy();
            assertThat(dev.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<String> lines = Files.readAllLines(dev.stderr(), StandardCharsets.UTF_8);
            assertThat(lines).as("the access log and the key events were written").anyMatch(line -> line.contains("bootstrap"))
                    .anyMatch(line -> line.contains("widget key created"));
            assertThat(lines).as("a revocation's line names the action, the changed field and the token id")
                    .anyMatch(line -> line.contains("widget key disabled") && line.contains("key.disabled")
                            && line.contains("disabled_at") && line.contains(actor))
                    .anyMatch(line -> line.contains("widget key rotated") && line.contains("replaced_by"));
            for (String key : keys) {
                assertThat(lines).noneMatch(line -> line.contains(key)).noneMatch(line -> line.contains(TOKEN));
                assertThat(lines).noneMatch(line -> line.contains(key.substring(8, 38)));
            }
        } finally {
            upstream.stop(0);
        }
    }

    /** Everything an operator and a browser do with a key, its rotation included; returns the keys. */
    private List<String> runScenario(int gateway, int admin) throws Exception {
        String created = call(admin, "POST", "/api/v1/widget-keys", TOKEN,
                "{\"name\":\"secrets\",\"domain_allowlist\":[\"" + ORIGIN + "\"]}").body();
        String key = created.replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
        String id = created.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        assertThat(key).startsWith("pk_live_");

        assertThat(bootstrap(gateway, key, ORIGIN).statusCode()).isEqualTo(200);
        assertThat(bootstrap(gateway, key, "https://evil.example").statusCode()).isEqualTo(403);
        // A different last checksum digit (a fixed "x" would leave one key in 62 unchanged).
        String badChecksum = key.substring(0, 43) + (key.charAt(43) == 'x' ? 'y' : 'x');
        assertThat(bootstrap(gateway, badChecksum, ORIGIN).statusCode()).isEqualTo(401);
        HttpResponse<String> proxied = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway + "/v1/widget/messages?key=" + key))
                .header("Origin", ORIGIN).header("X-Widget-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"k\":\"" + key + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(call(admin, "GET", "/api/v1/widget-keys", TOKEN + "x", null).statusCode()).isEqualTo(401);
        sendMalformed(gateway, "GET /v1/widget/bootstrap?key=" + key + "&pad=" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n");
        sendMalformed(admin, "GET /api/v1/widget-keys HTTP/1.1\r\nAuthorization: Bearer " + TOKEN + "\r\nBad Header\r\n\r\n");
        assertThat(call(admin, "PATCH", "/api/v1/widget-keys/" + id, TOKEN, "{\"disabled\":true}").statusCode())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> bootstrap(gateway, key, ORIGIN).statusCode() == 403);
        assertThat(call(admin, "DELETE", "/api/v1/widget-keys/" + id, TOKEN, null).statusCode()).isEqualTo(204);
        String other = call(admin, "POST", "/api/v1/widget-keys", TOKEN, "{\"name\":\"rotated\"}").body();
        String rotated = call(admin, "POST", "/api/v1/widget-keys/" + other.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")
                + "/rotate", TOKEN, null).body();
        return List.of(key, other.replaceAll(".*\"key\":\"([^\"]+)\".*", "$1"),
                rotated.replaceAll(".*\"key\":\"([^\"]+)\".*", "$1"));
    }

    private HttpResponse<String> bootstrap(int port, String key, String origin) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/widget/bootstrap?key=" + key))
                .header("Origin", origin).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(int port, String method, String path, String token, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends raw bytes that are not valid HTTP and reads the answer until the server closes. */
    private static void sendMalformed(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().readAllBytes();
        }
    }
}
