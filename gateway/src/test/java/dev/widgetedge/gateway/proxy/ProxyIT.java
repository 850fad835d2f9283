package dev.widgetedge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.client.TrustedProxies;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy end to end: the gateway's real pipeline ({@link ProxyFixture}) in front of a real
 * upstream, over sockets.
 */
class ProxyIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestUpstream upstream;
    private ScriptedUpstream scripted;
    private ProxyFixture proxy;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (scripted != null) {
            scripted.close();
        }
    }

    @Test
    void methodPathQueryAndBody_reachTheUpstreamAsSent() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect()) {
            RawClient.Response response = client.send("""
                    PUT /v1/widget/messages/7?key=pk_live_abc&page=2 HTTP/1.1\r
                    Host: edge.example.com\r
                    Content-Length: 11\r
                    \r
                    hello there""").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("PUT /v1/widget/messages/7?key=pk_live_abc&page=2 11");
        }
        TestUpstream.Received received = upstream.received().get(0);
        assertThat(received.method()).isEqualTo("PUT");
        assertThat(received.target()).isEqualTo("/v1/widget/messages/7?key=pk_live_abc&page=2");
        assertThat(received.bodyCrc()).isEqualTo(crc("hello there".getBytes(StandardCharsets.UTF_8)));
        assertThat(proxy.metrics().upstreamStatuses()).containsExactly(200);
        assertThat(proxy.metrics().outcomes().get(0)).isEqualTo(RequestOutcome.ALLOWED);
    }

    @Test
    void chunkedRequestBody_isStreamedToTheUpstream() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect()) {
            RawClient.Response response = client.send("""
                    POST /v1/widget/upload HTTP/1.1\r
                    Host: edge.example.com\r
                    Transfer-Encoding: chunked\r
                    \r
                    5\r
                    hello\r
                    6\r
                     there\r
                    0\r
                    \r
                    """).read();

            assertThat(response.text()).isEqualTo("POST /v1/widget/upload 11");
        }
        assertThat(upstream.received().get(0).bodyCrc()).isEqualTo(crc("hello there".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void identityAndForwardedHeaders_areSet_andSpoofedWidgetHeadersStripped() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect()) {
            client.send("""
                    GET /v1/widget/config HTTP/1.1\r
                    Host: edge.example.com\r
                    X-Widget-Key: pk_live_secret\r
                    x-widget-key-id: forged\r
                    X-WIDGET-ACCOUNT-ID: acct_forged\r
                    X-Widget-Agent-Id: agent_forged\r
                    X-Widget-Anything: 1\r
                    X-Forwarded-For: 203.0.113.7\r
                    X-Forwarded-Proto: https\r
                    \r
                    """).read();
        }
        TestUpstream.Received received = upstream.received().get(0);
        assertThat(received.header("X-Widget-Key-Id")).isEqualTo(ProxyFixture.KEY_ID.toString());
        assertThat(received.header("X-Widget-Account-Id")).isEqualTo(ProxyFixture.ACCOUNT);
        assertThat(received.header("X-Widget-Agent-Id")).isNull();
        assertThat(received.header("X-Widget-Key")).isNull();
        assertThat(received.header("X-Widget-Anything")).isNull();
        assertThat(received.header("X-Forwarded-For"))
                .as("an untrusted peer's own X-Forwarded-For is not passed on").isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("edge.example.com");
        assertThat(received.header("Host")).isEqualTo(upstream.uri().getAuthority());
    }

    @Test
    void behindATrustedProxy_theUpstreamHearsOfTheClientItVouchesFor_andNothingTheClientClaimed() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(GatewaySettings.builder().upstream(upstream.uri())
                .trustedProxies(TrustedProxies.parse("127.0.0.0/8,10.0.0.0/8")));

        try (RawClient client = proxy.connect()) {
            client.send("""
                    GET /v1/widget/config HTTP/1.1\r
                    Host: edge.example.com\r
                    X-Forwarded-For: 198.51.100.66, 203.0.113.7\r
                    X-Forwarded-For: 10.1.2.3\r
                    X-Forwarded-Proto: https\r
                    Forwarded: for=192.0.2.1\r
                    X-Real-IP: 192.0.2.1\r
                    X-Forwarded-Port: 1\r
                    \r
                    """).read();
        }
        TestUpstream.Received received = upstream.received().get(0);
        assertThat(received.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 10.1.2.3, 127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(received.header("Forwarded")).isNull();
        assertThat(received.header("X-Real-IP")).isNull();
        assertThat(received.header("X-Forwarded-Port")).isNull();
    }

    @Test
    void agentHeader_isSetWhenTheKeyIsPinnedToAnAgent() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());
        proxy.decide(new Decision.Allowed(ProxyFixture.KEY_ID, ProxyFixture.ACCOUNT, "agent_01", false));

        try (RawClient client = proxy.connect()) {
            client.send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\nX-Widget-Agent-Id: agent_forged\r\n\r\n").read();
        }
        assertThat(upstream.received().get(0).header("X-Widget-Agent-Id")).isEqualTo("agent_01");
    }

    @Test
    void hopByHopHeaders_areDroppedBothWays_andVaryKept() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());

        RawClient.Response response;
        try (RawClient client = proxy.connect()) {
            response = client.send("""
                    GET /v1/widget/config HTTP/1.1\r
                    Host: edge.example.com\r
                    Connection: keep-alive, X-Client-Hop\r
                    X-Client-Hop: 1\r
                    Keep-Alive: timeout=5\r
                    Proxy-Connection: keep-alive\r
                    TE: trailers\r
                    Trailer: X-Checksum\r
                    Upgrade: websocket\r
                    Proxy-Authorization: Basic Zm9vOmJhcg==\r
                    X-Client: kept\r
                    \r
                    """).read();
        }
        TestUpstream.Received received = upstream.received().get(0);
        for (String hop : new String[] {"Connection", "X-Client-Hop", "Keep-Alive", "Proxy-Connection", "TE",
                "Trailer", "Upgrade", "Proxy-Authorization"}) {
            assertThat(received.header(hop)).as(hop).isNull();
        }
        assertThat(received.header("X-Client")).isEqualTo("kept");
        for (String hop : new String[] {"Connection", "X-Upstream-Hop", "Keep-Alive", "Proxy-Authenticate",
                "Upgrade"}) {
            assertThat(response.header(hop)).as(hop).isNull();
        }
        assertThat(response.header("Vary")).as("the upstream's Vary, with Origin merged in").isEqualTo("Accept-Encoding, Origin");
        assertThat(response.header("X-Upstream")).isEqualTo("kept");
    }

    @Test
    void largeUpload_isStreamedWithBackpressure_notBuffered() throws Exception {
        long size = 64L * 1024 * 1024;
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri(), Duration.ofSeconds(30), size);

        try (RawClient client = proxy.connect(); AllocatorSampler memory = AllocatorSampler.start()) {
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Long> upload = CompletableFuture.supplyAsync(() -> upload(client, size, sent));

            // The upstream reads nothing yet: the client must be stopped by backpressure long
            // before the whole body is sent, with the gateway holding little of it.
            awaitStalled(sent::get);
            assertThat(sent.get()).isLessThan(size / 2);
            assertThat(memory.peakGrowth()).isLessThan(size / 4);

            upstream.releaseUploads();
            long crc = upload.get();
            RawClient.Response response = client.read();
            assertThat(response.text()).isEqualTo("POST /v1/widget/held-upload " + size);
            assertThat(upstream.received().get(0).bodyCrc()).isEqualTo(crc);
            assertThat(memory.peakGrowth()).isLessThan(size / 4);
        }
    }

    @Test
    void largeDownload_isStreamedWithBackpressure_notBuffered() throws Exception {
        long size = 64L * 1024 * 1024;
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect(); AllocatorSampler memory = AllocatorSampler.start()) {
            client.send("GET /v1/widget/download?bytes=" + size + " HTTP/1.1\r\nHost: a\r\n\r\n");

            // The client reads nothing yet: the upstream must be stopped by backpressure.
            awaitStalled(upstream::bytesWritten);
            assertThat(upstream.bytesWritten()).isLessThan(size / 2);
            assertThat(memory.peakGrowth()).isLessThan(size / 4);

            RawClient.Response response = client.readCounting();
            assertThat(response.bodyLength()).isEqualTo(size);
            assertThat(response.bodyCrc()).isEqualTo(patternCrc(size));
            assertThat(memory.peakGrowth()).isLessThan(size / 4);
        }
    }

    @Test
    void sequentialRequests_reuseUpstreamConnections() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());
        int requests = 4 * ProxyFixture.ioThreads() + 8;

        try (RawClient client = proxy.connect()) {
            for (int i = 0; i < 10; i++) {
                assertThat(client.send("GET /v1/widget/one?i=" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read().status())
                        .isEqualTo(200);
            }
        }
        assertThat(upstream.connections()).hasSize(1);

        for (int i = 0; i < requests; i++) {
            try (RawClient client = proxy.connect()) {
                client.send("GET /v1/widget/many?i=" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
            }
        }
        // One pool per I/O thread: at most one connection each, however many requests.
        assertThat(upstream.connections().size()).isLessThanOrEqualTo(ProxyFixture.ioThreads()).isLessThan(requests);
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect()) {
            client.send("POST /v1/widget/echo?n=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nfirst"
                    + "GET /v1/widget/echo?n=2 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /v1/widget/echo?n=3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nthird\r\n0\r\n\r\n");

            assertThat(client.read().text()).isEqualTo("POST /v1/widget/echo?n=1 5");
            assertThat(client.read().text()).isEqualTo("GET /v1/widget/echo?n=2 0");
            assertThat(client.read().text()).isEqualTo("POST /v1/widget/echo?n=3 5");
        }
        assertThat(proxy.metrics().outcomes()).containsExactly(RequestOutcome.ALLOWED, RequestOutcome.ALLOWED, RequestOutcome.ALLOWED);
    }

    @Test
    void nothingListening_is502_andTheClientConnectionStaysUsable() throws IOException {
        proxy = ProxyFixture.start(closedPort());

        try (RawClient client = proxy.connect()) {
            for (int i = 0; i < 2; i++) {
                RawClient.Response response = client.send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n").read();

                assertThat(response.status()).isEqualTo(502);
                assertThat(response.text()).contains("\"error\":\"upstream_unavailable\"");
            }
        }
        assertThat(proxy.metrics().upstreamStatuses()).containsExactly(502, 502);
        assertThat(proxy.metrics().outcomes().get(0)).isEqualTo(RequestOutcome.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void upstreamClosingBeforeAnswering_is502() throws IOException {
        scripted = ScriptedUpstream.start(ScriptedUpstream.answers(""));
        proxy = ProxyFixture.start(scripted.uri());

        try (RawClient client = proxy.connect()) {
            assertThat(client.send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n").read().status())
                    .isEqualTo(502);
        }
    }

    @Test
    void silentUpstream_is504_andItsConnectionClosed() throws IOException {
        scripted = ScriptedUpstream.start(ScriptedUpstream.silent());
        proxy = ProxyFixture.start(scripted.uri(), Duration.ofMillis(300), 1024);

        try (RawClient client = proxy.connect()) {
            RawClient.Response response = client.send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(504);
            assertThat(response.text()).contains("\"error\":\"upstream_timeout\"");
        }
        await().atMost(WAIT).until(() -> scripted.closedByGateway() == 1);
        assertThat(proxy.metrics().upstreamStatuses()).containsExactly(504);
        assertThat(proxy.metrics().outcomes().get(0)).isEqualTo(RequestOutcome.UPSTREAM_TIMEOUT);
    }

    @Test
    void upstreamClosingMidResponse_closesTheClientConnection() throws IOException {
        scripted = ScriptedUpstream.start(ScriptedUpstream.answers(
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"));
        proxy = ProxyFixture.start(scripted.uri());

        try (RawClient client = proxy.connect()) {
            client.send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n");

            assertThatThrownBy(client::read).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void interimResponses_areNotRelayed() throws IOException {
        scripted = ScriptedUpstream.start(ScriptedUpstream.answers(
                "HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        proxy = ProxyFixture.start(scripted.uri());

        try (RawClient client = proxy.connect()) {
            RawClient.Response response = client.send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("ok");
        }
    }

    @Test
    void upstreamAnsweringBeforeTheBody_isRelayed_andTheRestOfTheBodyDropped() throws IOException {
        scripted = ScriptedUpstream.start(ScriptedUpstream.answers(
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: 6\r\n\r\ndenied"));
        proxy = ProxyFixture.start(scripted.uri());

        try (RawClient client = proxy.connect()) {
            // Only the head is sent: the upstream must get it before any body exists.
            RawClient.Response early = client
                    .send("POST /v1/widget/upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n").read();
            assertThat(early.status()).isEqualTo(401);
            assertThat(early.text()).isEqualTo("denied");

            RawClient.Response next = client.send("0123456789")
                    .send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertThat(next.status()).isEqualTo(401);
        }
        assertThat(scripted.accepted()).isEqualTo(2);
    }

    @Test
    void declaredBodyOverTheLimit_is413_withoutContactingTheUpstream() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri(), Duration.ofSeconds(30), 1024);

        try (RawClient client = proxy.connect()) {
            RawClient.Response response = client
                    .send("POST /v1/widget/upload HTTP/1.1\r\nHost: a\r\nContent-Length: 4096\r\n\r\n")
                    .send(new byte[2048])
                    .read();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.text()).contains("\"error\":\"body_too_large\"");
            assertThat(response.header("Connection")).isEqualTo("close");
        }
        assertThat(upstream.connections()).isEmpty();
        assertThat(proxy.metrics().outcomes().get(0)).isEqualTo(RequestOutcome.TOO_LARGE);
        assertThat(proxy.metrics().upstreamStatuses()).isEmpty();
    }

    @Test
    void chunkedBodyGrowingOverTheLimit_is413_andTheUpstreamExchangeAborted() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri(), Duration.ofSeconds(30), 1024);

        try (RawClient client = proxy.connect()) {
            client.send("POST /v1/widget/upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "258\r\n" + "a".repeat(600) + "\r\n");
            await().atMost(WAIT).until(() -> upstream.bodyBytesRead() == 600);

            // The chunk that crosses the limit, and more behind it in the same read.
            RawClient.Response response = client.send("258\r\n" + "b".repeat(600) + "\r\n"
                    + ("10\r\n" + "c".repeat(16) + "\r\n").repeat(64)).read();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.text()).contains("\"error\":\"body_too_large\"");
        }
        await().atMost(WAIT).until(() -> upstream.brokenUploads().size() == 1);
        assertThat(upstream.received()).isEmpty();
        assertThat(proxy.metrics().outcomes().get(0)).isEqualTo(RequestOutcome.TOO_LARGE);
    }

    @Test
    void malformedChunkedBody_is400_andTheUpstreamExchangeAborted() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect()) {
            client.send("POST /v1/widget/upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n");
            await().atMost(WAIT).until(() -> upstream.bodyBytesRead() == 5);

            RawClient.Response response = client.send("zz\r\nnot a chunk\r\n").read();

            assertThat(response.status()).isEqualTo(400);
        }
        await().atMost(WAIT).until(() -> upstream.brokenUploads().size() == 1);
        assertThat(upstream.received()).isEmpty();
        assertThat(proxy.metrics().outcomes().get(0)).isEqualTo(RequestOutcome.BAD_REQUEST);
    }

    @Test
    void clientDisconnectingMidUpload_closesTheUpstreamConnection() throws IOException {
        upstream = TestUpstream.start();
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect()) {
            client.send("POST /v1/widget/upload HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576\r\n\r\n")
                    .send(new byte[64 * 1024]);
            await().atMost(WAIT).until(() -> upstream.bodyBytesRead() == 64 * 1024);
        }
        await().atMost(WAIT).until(() -> upstream.brokenUploads().size() == 1);
        assertThat(upstream.received()).isEmpty();
    }

    /** Sends a POST of {@code size} pattern bytes; returns their CRC. */
    private static long upload(RawClient client, long size, AtomicLong sent) {
        try {
            client.send("POST /v1/widget/held-upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n");
            byte[] block = TestUpstream.pattern();
            CRC32 crc = new CRC32();
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(block.length, left);
                client.send(Arrays.copyOf(block, n));
                crc.update(block, 0, n);
                sent.addAndGet(n);
                left -= n;
            }
            return crc.getValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code progress} has stopped moving for a while. */
    private static void awaitStalled(LongSupplier progress) {
        long[] last = {-1};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).during(Duration.ofMillis(500)).until(() -> {
            long now = progress.getAsLong();
            boolean still = now > 0 && now == last[0];
            last[0] = now;
            return still;
        });
    }

    private static long patternCrc(long size) {
        byte[] block = TestUpstream.pattern();
        CRC32 crc = new CRC32();
        for (long left = size; left > 0; left -= block.length) {
            crc.update(block, 0, (int) Math.min(block.length, left));
        }
        return crc.getValue();
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static URI closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
