package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.gateway.proxy.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send a request slowly, through the real gateway pipeline: a head trickled one byte
 * every 200 ms gets {@code 408} once {@code --header-timeout} has passed, whereas the idle timeout,
 * which each byte resets, would have let it hold the connection forever.
 */
class SlowClientsIT {

    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    private EdgeFixture edge;

    @AfterEach
    void stop() {
        trickler.shutdownNow();
        edge.close();
    }

    /** Sends {@code text} one byte every {@code everyMillis}, from another thread; counts the bytes sent. */
    private ScheduledFuture<?> trickle(RawClient client, String text, long everyMillis, AtomicInteger sent) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return trickler.scheduleAtFixedRate(() -> {
            int next = sent.get();
            if (next >= bytes.length) {
                throw new IllegalStateException("all sent");
            }
            try {
                client.send(new byte[] {bytes[next]});
                sent.incrementAndGet();
            } catch (IOException closedByTheGateway) {
                throw new IllegalStateException(closedByTheGateway);
            }
        }, 0, everyMillis, TimeUnit.MILLISECONDS);
    }

    private static String bootstrapHead(String key) {
        return "GET /v1/widget/bootstrap?key=" + key + " HTTP/1.1\r\nHost: edge.example.com\r\nOrigin: "
                + EdgeFixture.ORIGIN + "\r\nAccept: */*\r\n\r\n";
    }

    @Test
    void aHeadTrickledOneByteEvery200ms_gets408AfterTheHeaderTimeout_andTheConnectionCloses() throws IOException {
        edge = EdgeFixture.start(GatewaySettings.builder().headerTimeout(Duration.ofSeconds(1))
                .idleTimeout(Duration.ofSeconds(60)));
        String head = bootstrapHead(edge.createKey());
        AtomicInteger sent = new AtomicInteger();

        try (RawClient client = edge.connect()) {
            ScheduledFuture<?> trickling = trickle(client, head, 200, sent);
            RawClient.Response response = client.read();
            trickling.cancel(false);

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.text()).isEqualTo("Request head not received within 1s");
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(sent.get()).as("bytes sent before the answer").isLessThan(head.length());
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aSlowHeadCompleteWithinTheTimeout_isServed() throws IOException {
        edge = EdgeFixture.startWithoutUpstream(GatewaySettings.builder().headerTimeout(Duration.ofSeconds(20)));
        String head = bootstrapHead(edge.createKey());
        AtomicInteger sent = new AtomicInteger();

        try (RawClient client = edge.connect()) {
            ScheduledFuture<?> trickling = trickle(client, head, 5, sent);
            RawClient.Response response = client.read();
            trickling.cancel(false);

            assertThat(response.status()).isEqualTo(200);
        }
    }

    @Test
    void aBodySlowerThanTheHeaderTimeout_butWithinItsOwnAllowance_isServed() throws IOException {
        edge = EdgeFixture.start(GatewaySettings.builder().headerTimeout(Duration.ofSeconds(5)));
        String key = edge.createKey();
        String request = "POST /v1/widget/upload?key=" + key + " HTTP/1.1\r\nHost: edge.example.com\r\nOrigin: "
                + EdgeFixture.ORIGIN + "\r\nContent-Length: 8\r\n\r\n";

        try (RawClient client = edge.connect()) {
            client.send(request);
            AtomicInteger sent = new AtomicInteger();
            ScheduledFuture<?> trickling = trickle(client, "12345678", 200, sent);
            RawClient.Response response = client.read();
            trickling.cancel(false);

            assertThat(response.status()).isEqualTo(200);
            assertThat(edge.upstreamReceived()).singleElement().asString().endsWith("\r\n\r\n12345678");
        }
    }

    @Test
    void aProxiedBodyTrickledOneByteEvery200ms_gets408_andTheUpstreamNeverGetsItWhole() throws IOException {
        edge = EdgeFixture.start(GatewaySettings.builder().headerTimeout(Duration.ofSeconds(1)));
        String key = edge.createKey();
        String head = "POST /v1/widget/upload?key=" + key + " HTTP/1.1\r\nHost: edge.example.com\r\nOrigin: "
                + EdgeFixture.ORIGIN + "\r\nContent-Length: 1000\r\n\r\n";

        try (RawClient client = edge.connect()) {
            client.send(head);
            AtomicInteger sent = new AtomicInteger();
            ScheduledFuture<?> trickling = trickle(client, "x".repeat(1000), 200, sent);
            RawClient.Response response = client.read();
            trickling.cancel(false);

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.text()).isEqualTo("Request body arriving too slowly");
            assertThat(sent.get()).isLessThan(1000);
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(edge.upstreamReceived()).as("the upstream saw no complete request").isEmpty();
    }
}
