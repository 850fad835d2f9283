package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bursts of concurrent edits to one key while two gateways serve it under steady load, on a real
 * redis-server: after every burst, each gateway must answer with the stored state within the
 * propagation bound, never keep an older decision until its cache TTL.
 */
class ConcurrentEditsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String ORIGIN = "https://acme.com";
    private static final int ROUNDS = 100;
    private static final int EDITS_PER_ROUND = 50;
    private static final int LOAD_THREADS_PER_GATEWAY = 4;
    /** Far more than the propagation bound, far less than the cache TTL that a lost invalidation costs. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private GatewayFixture fixture;
    private ExecutorService load;
    private ExecutorService editors;
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final AtomicLong served = new AtomicLong();

    @BeforeEach
    void start() {
        // Load threads hammer one key from one address: the per-client limit would refuse most of it.
        fixture = GatewayFixture.start(REDIS.server(), GatewaySettings.builder().clientRateLimit(0).build(), 2);
        load = Executors.newFixedThreadPool(2 * LOAD_THREADS_PER_GATEWAY);
        editors = Executors.newFixedThreadPool(16);
    }

    @AfterEach
    void stop() throws InterruptedException {
        loading.set(false);
        load.shutdown();
        editors.shutdown();
        load.awaitTermination(30, TimeUnit.SECONDS);
        editors.awaitTermination(30, TimeUnit.SECONDS);
        fixture.close();
    }

    @Test
    void afterEachBurstOfConcurrentEdits_everyGatewayServesTheStoredState() {
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        for (int gateway = 0; gateway < 2; gateway++) {
            int target = gateway;
            for (int i = 0; i < LOAD_THREADS_PER_GATEWAY; i++) {
                load.execute(() -> {
                    while (loading.get()) {
                        fixture.bootstrap(target, key.plaintext(), ORIGIN);
                        served.incrementAndGet();
                    }
                });
            }
        }
        Random random = new Random(8);
        for (int round = 1; round <= ROUNDS; round++) {
            List<CompletableFuture<Integer>> edits = new ArrayList<>();
            for (int i = 0; i < EDITS_PER_ROUND; i++) {
                String body = "{\"disabled\":" + random.nextBoolean() + "}";
                edits.add(CompletableFuture.supplyAsync(
                        () -> fixture.admin("PATCH", "/api/v1/widget-keys/" + key.id(), body).status(), editors));
            }
            edits.forEach(edit -> assertThat(edit.join()).isEqualTo(204));
            boolean disabled = !fixture.listed(key.id()).get("disabled_at").isNull();
            int expectedStatus = disabled ? 403 : 200;
            int finished = round;
            for (int gateway = 0; gateway < 2; gateway++) {
                int target = gateway;
                await().atMost(SETTLE).pollInterval(Duration.ofMillis(20))
                        .alias("round " + finished + ": gateway " + target + " serves the stored state (disabled=" + disabled + ")")
                        .until(() -> fixture.bootstrap(target, key.plaintext(), ORIGIN).status() == expectedStatus
                                && agreesWithStore(target, key.plaintext(), disabled));
            }
        }
        assertThat(served.get()).as("the gateways were under load throughout").isGreaterThan(ROUNDS);
    }

    /** The gateway's cached decision, when it has a fresh one, is the stored state's. */
    private boolean agreesWithStore(int gateway, String key, boolean disabled) {
        Decision cached = fixture.gateway(gateway).decider().decideCached(key, ORIGIN);
        return cached == null || (cached instanceof Decision.Allowed) != disabled;
    }
}
