package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.widgetedge.core.store.ChangeCursor;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.store.RedisWidgetKeyStore;
import dev.widgetedge.gateway.decide.ExistenceFilter;
import dev.widgetedge.gateway.decide.SnapshotBytes;
import dev.widgetedge.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The existence filter's snapshot on a real redis-server with two gateways: the second one starts
 * from the first one's snapshot, and never trusts a filter that misses a key, whatever the store
 * holds.
 */
class KeyFilterSnapshotIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension(true);

    private static final String ORIGIN = "https://acme.com";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    /** The loggers that report a snapshot they pass over: the filter's, and the Redis store's. */
    private final List<Logger> snapshotLoggers = List.of(
            (Logger) LoggerFactory.getLogger(ExistenceFilter.class),
            (Logger) LoggerFactory.getLogger("dev.widgetedge.core.store.RedisKeyFilterSnapshots"));
    private GatewayFixture fixture;
    private RedisConnector redis;
    private RedisWidgetKeyStore store;

    @BeforeEach
    void start() {
        log.start();
        snapshotLoggers.forEach(logger -> logger.addAppender(log));
        redis = RedisConnector.start(REDIS.server().uri(), Duration.ofSeconds(2));
        store = new RedisWidgetKeyStore(redis);
        await().atMost(Duration.ofSeconds(20)).until(redis::isConnected);
        // No snapshot from an earlier test: the first gateway scans, then writes the one this test starts from.
        redis.call(commands -> commands.del("we:v1:keyfilter", "we:v1:keyfilter:lease")).toCompletableFuture().join();
        fixture = GatewayFixture.start(REDIS.server(), GatewaySettings.defaults(), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> snapshotWrites(0) >= 1);
    }

    @AfterEach
    void stop() {
        snapshotLoggers.forEach(logger -> logger.detachAppender(log));
        fixture.close();
        redis.close();
    }

    @Test
    void aGatewayStartingWhileKeysAreCreated_loadsTheSnapshot_andServesEveryKey() {
        List<GatewayFixture.Key> created = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean creating = new AtomicBoolean(true);
        CompletableFuture<Void> creator = CompletableFuture.runAsync(() -> {
            while (creating.get()) {
                created.add(fixture.createKey(ORIGIN));
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> created.size() >= 5);

        int second = fixture.startGateway(GatewaySettings.defaults());
        fixture.awaitTrusted(second);
        int atTrust = created.size();
        await().atMost(Duration.ofSeconds(20)).until(() -> created.size() >= atTrust + 5);
        creating.set(false);
        creator.join();

        assertThat(builds(second, "snapshot")).isEqualTo(1);
        assertThat(builds(second, "scan")).isZero();
        for (GatewayFixture.Key key : List.copyOf(created)) {
            assertThat(fixture.bootstrap(second, key.plaintext(), ORIGIN).status()).as("key %s", key.id())
                    .isEqualTo(200);
        }
    }

    @Test
    void aSnapshotOlderThanTheChangeLogKeeps_isNotUsed() {
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        ChangeCursor end = store.changesSince(null, 1).toCompletableFuture().join().next();
        // Without the key, yet claiming to cover the log past its create: trusting it would refuse the key.
        ChangeCursor longAgo = new ChangeCursor(end.position(), end.readAtMillis() - Duration.ofMinutes(6).toMillis());
        store.keyFilterSnapshots().save(SnapshotBytes.emptyCovering(longAgo)).toCompletableFuture().join();

        int second = fixture.startGateway(GatewaySettings.defaults());
        fixture.awaitTrusted(second);

        assertThat(builds(second, "scan")).isEqualTo(1);
        assertThat(builds(second, "snapshot")).isZero();
        assertThat(fixture.bootstrap(second, key.plaintext(), ORIGIN).status()).isEqualTo(200);
    }

    @Test
    void aSnapshotThatIsNotOne_isIgnoredWithAWarningNamingIt() {
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        store.keyFilterSnapshots().save("a value some other program left here, long enough for a header".getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().join();

        int second = fixture.startGateway(GatewaySettings.defaults());
        fixture.awaitTrusted(second);

        assertThat(builds(second, "scan")).isEqualTo(1);
        assertThat(fixture.bootstrap(second, key.plaintext(), ORIGIN).status()).isEqualTo(200);
        assertThat(warnings()).containsExactly("ignoring the key filter snapshot in we:v1:keyfilter: not a key filter "
                + "snapshot (no WEKF header); building from the key index");
    }

    @Test
    void aKeyOfAnotherType_isIgnoredWithAWarningNamingIt_andReplacedByTheNextSnapshot() {
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        redis.call(commands -> commands.del("we:v1:keyfilter").thenCompose(
                deleted -> commands.hset("we:v1:keyfilter", "bits", "none"))).toCompletableFuture().join();

        int second = fixture.startGateway(GatewaySettings.defaults());
        fixture.awaitTrusted(second);

        assertThat(builds(second, "scan")).isEqualTo(1);
        assertThat(fixture.bootstrap(second, key.plaintext(), ORIGIN).status()).isEqualTo(200);
        assertThat(warnings()).containsExactly(
                "ignoring we:v1:keyfilter: it holds another type of value, not a key filter snapshot");
        await().atMost(Duration.ofSeconds(20)).until(() -> snapshotWrites(second) >= 1);
        assertThat(store.keyFilterSnapshots().load().toCompletableFuture().join()).isPresent();
    }

    @Test
    void withRedisDownAtStart_theFilterIsNotTrusted_untilRedisIsBack() {
        GatewayFixture.Key key = fixture.createKey(ORIGIN);
        REDIS.server().stop();

        int second = fixture.startGateway(GatewaySettings.builder().storeTimeout(Duration.ofMillis(500)).build());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> !fixture.gateway(second).existenceFilter().isTrusted());
        REDIS.server().start();
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.gateway(second).existenceFilter().isTrusted());

        assertThat(builds(second, "snapshot")).as("the snapshot survived the restart").isEqualTo(1);
        assertThat(fixture.bootstrap(second, key.plaintext(), ORIGIN).status()).isEqualTo(200);
    }

    private double builds(int gateway, String source) {
        return fixture.counter(gateway, "widget.gateway.key.filter.builds", "result", "success", "source", source);
    }

    private double snapshotWrites(int gateway) {
        return fixture.counter(gateway, "widget.gateway.key.filter.snapshot.writes", "result", "success");
    }

    private List<String> warnings() {
        return log.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
