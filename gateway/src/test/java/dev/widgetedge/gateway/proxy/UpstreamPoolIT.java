package dev.widgetedge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's upstream connections, through the real pipeline against real upstream servers:
 * the connection cap and the bound on requests waiting for one, idle connections closed before
 * the upstream's keep-alive runs out, and the one retry of an idempotent request whose reused
 * connection the upstream closed as it went out.
 */
class UpstreamPoolIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GET = "GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n";

    private ScriptedUpstream upstream;
    private ProxyFixture proxy;
    private final List<RawClient> clients = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        for (RawClient client : clients) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private RawClient.Response exchange(RawClient client, String request) {
        try {
            return client.send(request).read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anIdempotentRequest_whoseReusedConnectionTheUpstreamClosed_isSentOnceMore_andAnswered() throws IOException {
        upstream = ScriptedUpstream.start(ScriptedUpstream.answersOnceThenClosesOnTheNext());
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect()) {
            assertThat(exchange(client, GET).status()).isEqualTo(200);
            RawClient.Response second = exchange(client, GET);

            assertThat(second.status())
                    .as("the upstream closed the reused connection on the request: it is sent again, on a new one")
                    .isEqualTo(200);
        }
        assertThat(upstream.accepted()).isEqualTo(2);
        assertThat(proxy.metrics().upstreamStatuses()).containsExactly(200, 200);
    }

    @Test
    void aPost_whoseReusedConnectionTheUpstreamClosed_is502_andNeverSentTwice() throws IOException {
        upstream = ScriptedUpstream.start(ScriptedUpstream.answersOnceThenClosesOnTheNext());
        proxy = ProxyFixture.start(upstream.uri());

        try (RawClient client = proxy.connect()) {
            assertThat(exchange(client, GET).status()).isEqualTo(200);
            RawClient.Response post = exchange(client,
                    "POST /v1/widget/messages HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");

            assertThat(post.status()).isEqualTo(502);
        }
        assertThat(upstream.accepted()).as("a POST may not be safe to repeat").isOne();
        assertThat(proxy.metrics().outcomes()).endsWith(RequestOutcome.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void withRetriesOff_anIdempotentRequest_is502() throws IOException {
        upstream = ScriptedUpstream.start(ScriptedUpstream.answersOnceThenClosesOnTheNext());
        proxy = ProxyFixture.start(GatewaySettings.builder().upstream(upstream.uri()).upstreamRetryIdempotent(false));

        try (RawClient client = proxy.connect()) {
            assertThat(exchange(client, GET).status()).isEqualTo(200);

            assertThat(exchange(client, GET).status()).isEqualTo(502);
        }
        assertThat(upstream.accepted()).isOne();
    }

    @Test
    void anIdleUpstreamConnection_isClosedByTheGateway_afterTheIdleTimeout() throws IOException {
        release.countDown();
        upstream = ScriptedUpstream.start(ScriptedUpstream.answersWhenReleased(release));
        proxy = ProxyFixture.start(GatewaySettings.builder().upstream(upstream.uri())
                .upstreamIdleTimeout(Duration.ofMillis(300)));

        try (RawClient client = proxy.connect()) {
            assertThat(exchange(client, GET).status()).isEqualTo(200);
            assertThat(exchange(client, GET).status()).isEqualTo(200);
            assertThat(upstream.accepted()).as("reused while in use").isOne();

            await().atMost(WAIT).until(() -> upstream.closedByGateway() == 1);
        }
    }

    @Test
    void anIdleConnectionOnWhichTheUpstreamSendsUnasked_isClosed_andTheNextRequestGetsANewOne() throws IOException {
        upstream = ScriptedUpstream.start(ScriptedUpstream.answersOnceThenSendsUnaskedWhen(release));
        // The idle timeout far beyond the wait: only reading can end the connection in time.
        proxy = ProxyFixture.start(GatewaySettings.builder().upstream(upstream.uri()).upstreamRetryIdempotent(false)
                .upstreamIdleTimeout(Duration.ofMinutes(10)));

        try (RawClient client = proxy.connect()) {
            assertThat(exchange(client, GET).status()).isEqualTo(200);
            release.countDown();
            await("an idle connection is read: what the upstream sends there is seen, and ends it").atMost(WAIT)
                    .until(() -> upstream.closedByGateway() == 1);

            assertThat(exchange(client, GET).status()).as("not sent on the ended connection").isEqualTo(200);
        }
        assertThat(upstream.accepted()).isEqualTo(2);
    }

    @Test
    void theConnectionsNeverExceedTheCap_andRequestsBeyondTheWaitingBound_are502AtOnce() {
        int loops = ProxyFixture.ioThreads();
        // One connection and one waiting request per I/O thread; each thread gets three clients.
        upstream = ScriptedUpstream.start(ScriptedUpstream.answersWhenReleased(release));
        proxy = ProxyFixture.start(GatewaySettings.builder().upstream(upstream.uri())
                .upstreamMaxConnections(loops).upstreamMaxPending(loops));
        List<CompletableFuture<RawClient.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 3 * loops; i++) {
            RawClient client = proxy.connect();
            clients.add(client);
            answers.add(CompletableFuture.supplyAsync(() -> exchange(client, GET)));
        }

        await().atMost(WAIT).until(() -> answers.stream().filter(CompletableFuture::isDone).count() == loops);
        assertThat(answers.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
                .as("the third request of each thread, with its connection leased and a request waiting")
                .allMatch(response -> response.status() == 502);
        assertThat(upstream.accepted()).isLessThanOrEqualTo(loops);

        release.countDown();
        List<Integer> statuses = answers.stream().map(CompletableFuture::join).map(RawClient.Response::status).toList();
        assertThat(statuses).filteredOn(status -> status == 200).hasSize(2 * loops);
        assertThat(statuses).filteredOn(status -> status == 502).hasSize(loops);
        assertThat(upstream.accepted()).as("the waiting requests reused the leased connections").isEqualTo(loops);
    }
}
