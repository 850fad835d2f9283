package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.gateway.decide.ControllableStore;
import dev.widgetedge.gateway.proxy.RawClient;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection's requests one after another through the real gateway pipeline, byte for byte at
 * both ends, while decisions wait for the store: what a request's body is, which request it goes
 * with, and that nothing of a denied request ever reaches the upstream.
 */
class ExchangeLifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ControllableStore store = new ControllableStore();
    private EdgeFixture edge;

    @AfterEach
    void stop() {
        store.holdReads(false);
        while (store.heldReadCount() > 0) {
            store.releaseOneRead();
        }
        edge.close();
    }

    private static String post(String key, String origin, String body) {
        return "POST /v1/widget/messages?key=" + key + " HTTP/1.1\r\nHost: edge.example.com\r\nOrigin: " + origin
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void aBodyThatArrivesWhileTheDecisionWaitsForTheStore_reachesTheUpstreamWhole_withItsOwnRequest() throws IOException {
        edge = EdgeFixture.start(GatewaySettings.builder(), store);
        String key = edge.createKey();
        store.holdReads(true);

        try (RawClient client = edge.connect()) {
            client.send(post(key, EdgeFixture.ORIGIN, "first body") + post(key, EdgeFixture.ORIGIN, "second body"));
            await().atMost(WAIT).until(() -> store.heldReadCount() == 1);
            assertThat(edge.upstreamReceived()).as("nothing before the decision").isEmpty();
            store.releaseOneRead();

            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
        }
        assertThat(edge.upstreamReceived()).hasSize(2);
        assertThat(edge.upstreamReceived().get(0)).endsWith("\r\n\r\nfirst body");
        assertThat(edge.upstreamReceived().get(1)).endsWith("\r\n\r\nsecond body");
    }

    @Test
    void theBodyOfADeniedRequest_neverReachesTheUpstream_asThePipelinedNextRequestsBody() throws IOException {
        edge = EdgeFixture.start(GatewaySettings.builder(), store);
        String key = edge.createKey();
        store.holdReads(true);

        try (RawClient client = edge.connect()) {
            client.send(post(key, "https://evil.example", "denied-body")
                    + post(key, EdgeFixture.ORIGIN, "allowed-body"));
            await().atMost(WAIT).until(() -> store.heldReadCount() == 1);
            store.releaseOneRead();

            assertThat(client.read().status()).isEqualTo(403);
            assertThat(client.read().status()).isEqualTo(200);
        }
        assertThat(edge.upstreamReceived()).singleElement().asString()
                .endsWith("\r\n\r\nallowed-body").doesNotContain("denied-body");
    }

    @Test
    void aBootstrapAnsweredOnItsHead_andAProxiedRequestBehindIt_eachGetTheirOwnBody() throws IOException {
        edge = EdgeFixture.start(GatewaySettings.builder(), store);
        String key = edge.createKey();
        store.holdReads(true);

        try (RawClient client = edge.connect()) {
            client.send("GET /v1/widget/bootstrap?key=" + key + " HTTP/1.1\r\nHost: edge.example.com\r\nOrigin: "
                    + EdgeFixture.ORIGIN + "\r\nContent-Length: 14\r\n\r\nbootstrap-body"
                    + post(key, EdgeFixture.ORIGIN, "proxied-body"));
            await().atMost(WAIT).until(() -> store.heldReadCount() == 1);
            store.releaseOneRead();

            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
        }
        assertThat(edge.upstreamReceived()).as("the bootstrap is answered by the gateway, its body dropped")
                .singleElement().asString().endsWith("\r\n\r\nproxied-body").doesNotContain("bootstrap-body");
    }
}
