package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.testing.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin API against clients that send slowly: a head trickled byte by byte gets 408. */
class AdminSlowClientsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static AdminApiFixture api;
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() {
        api = AdminApiFixture.startWithHeaderTimeout(REDIS.server(), Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @AfterEach
    void stopTrickling() {
        trickler.shutdownNow();
    }

    /** Sends {@code text} one byte every {@code everyMillis} from another thread. */
    private ScheduledFuture<?> trickle(AdminHttpIT.RawConnection connection, String text, long everyMillis,
            AtomicInteger sent) {
        return trickler.scheduleAtFixedRate(() -> {
            int next = sent.get();
            if (next >= text.length()) {
                throw new IllegalStateException("all sent");
            }
            connection.send(text.substring(next, next + 1));
            sent.incrementAndGet();
        }, 0, everyMillis, TimeUnit.MILLISECONDS);
    }

    @Test
    void aHeadTrickledOneByteEvery200ms_gets408_andTheConnectionCloses() {
        String head = "GET /api/v1/widget-keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n\r\n";
        AtomicInteger sent = new AtomicInteger();
        try (AdminHttpIT.RawConnection connection = new AdminHttpIT.RawConnection(api.admin.port())) {
            ScheduledFuture<?> trickling = trickle(connection, head, 200, sent);

            AdminHttpIT.RawResponse response = connection.read();
            trickling.cancel(false);

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.body()).isEqualTo("Request head not received within 1s");
            assertThat(sent.get()).isLessThan(head.length());
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void aCreateBodyTrickledOneByteEvery200ms_gets408_andNothingIsCreated() {
        String token = api.issueToken(dev.widgetedge.core.token.AccountScope.of(java.util.Set.of("acct_slow")));
        String body = "{\"name\":\"slow\"}" + " ".repeat(200);
        String head = "POST /api/v1/widget-keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n";
        AtomicInteger sent = new AtomicInteger();
        try (AdminHttpIT.RawConnection connection = new AdminHttpIT.RawConnection(api.admin.port())) {
            connection.send(head);
            ScheduledFuture<?> trickling = trickle(connection, body, 200, sent);

            AdminHttpIT.RawResponse response = connection.read();
            trickling.cancel(false);

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.body()).isEqualTo("Request body arriving too slowly");
            assertThat(connection.closedByServer()).isTrue();
        }
        assertThat(api.call("GET", "/api/v1/widget-keys", token, null, null).body()).isEqualTo("[]");
    }
}
