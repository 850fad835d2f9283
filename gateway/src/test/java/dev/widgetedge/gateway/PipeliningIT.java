package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.gateway.proxy.RawClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deep pipelining through the real gateway pipeline: many more requests in one write than the
 * gateway decodes ahead of its answers (and than Netty's codec would have allowed, 128), proxied
 * or bootstrap cache misses. Every one is answered, in order, on the same connection.
 */
class PipeliningIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeFixture edge;

    @AfterEach
    void stop() {
        edge.close();
    }

    /** Writes {@code requests} in one go from another thread, while the caller reads the answers. */
    private static CompletableFuture<Void> sendAll(RawClient client, String requests) {
        return CompletableFuture.runAsync(() -> {
            try {
                client.send(requests);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Hundreds of requests from one client with one key: more than the default per-client limit allows. */
    private static GatewaySettings.Builder unlimited() {
        return GatewaySettings.builder().clientRateLimit(0);
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: edge.example.com\r\nOrigin: " + EdgeFixture.ORIGIN + "\r\n\r\n";
    }

    @Test
    void aThousandProxiedRequestsInOneWrite_areAllAnsweredInOrder_andTheConnectionStaysUsable() throws Exception {
        edge = EdgeFixture.start(unlimited());
        String key = edge.createKey();
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            requests.append(get("/v1/widget/item/" + i + "?key=" + key));
        }

        try (RawClient client = edge.connect()) {
            CompletableFuture<Void> sent = sendAll(client, requests.toString());
            for (int i = 0; i < 1000; i++) {
                RawClient.Response response = client.read();
                assertThat(response.status()).as("answer %d", i).isEqualTo(200);
                assertThat(response.text()).as("answer %d", i)
                        .isEqualTo("GET /v1/widget/item/" + i + "?key=" + key + " HTTP/1.1");
            }
            sent.join();
            assertThat(client.send(get("/v1/widget/after?key=" + key)).read().text())
                    .isEqualTo("GET /v1/widget/after?key=" + key + " HTTP/1.1");
        }
        assertThat(edge.upstreamReceived()).hasSize(1001);
    }

    @Test
    void twoHundredBootstrapMissesInOneWrite_areAllAnsweredInOrder() throws Exception {
        edge = EdgeFixture.startWithoutUpstream(unlimited());
        List<String> keys = new ArrayList<>();
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String key = edge.createKey();
            keys.add(key);
            requests.append(get("/v1/widget/bootstrap?key=" + key));
        }

        try (RawClient client = edge.connect()) {
            CompletableFuture<Void> sent = sendAll(client, requests.toString());
            for (int i = 0; i < 200; i++) {
                RawClient.Response response = client.read();
                assertThat(response.status()).as("answer %d", i).isEqualTo(200);
                assertThat(JSON.readTree(response.body()).get("key_id").asText()).as("answer %d", i)
                        .isEqualTo(KeyDigest.keyId(keys.get(i)).toString());
            }
            sent.join();
        }
    }

    @Test
    void mixedAnswersInOneWrite_keepTheirOrder() throws Exception {
        edge = EdgeFixture.start(unlimited());
        String key = edge.createKey();
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            requests.append(switch (i % 3) {
                case 0 -> get("/v1/widget/x/" + i + "?key=" + key);
                case 1 -> get("/nowhere/" + i);
                default -> get("/v1/widget/bootstrap?key=" + key);
            });
        }

        try (RawClient client = edge.connect()) {
            CompletableFuture<Void> sent = sendAll(client, requests.toString());
            for (int i = 0; i < 300; i++) {
                RawClient.Response response = client.read();
                int expected = i % 3 == 1 ? 404 : 200;
                assertThat(response.status()).as("answer %d", i).isEqualTo(expected);
                if (i % 3 == 0) {
                    assertThat(response.text()).contains("/v1/widget/x/" + i + "?");
                }
            }
            sent.join();
        }
    }
}
