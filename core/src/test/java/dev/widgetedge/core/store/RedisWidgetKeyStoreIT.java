package dev.widgetedge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real redis-server, plus what only Redis can do: lose and resubscribe. */
class RedisWidgetKeyStoreIT extends WidgetKeyStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static RedisConnector redis;
    static RedisWidgetKeyStore store;

    @BeforeAll
    static void connect() throws InterruptedException {
        redis = RedisConnector.start(REDIS.server().uri(), Duration.ofSeconds(2));
        assertThat(redis.awaitConnected(Duration.ofSeconds(10))).isTrue();
        store = new RedisWidgetKeyStore(redis);
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Override
    protected WidgetKeyStore store() {
        return store;
    }

    @Test
    void subscription_reportsAResubscribe_afterRedisComesBack() throws Exception {
        List<Boolean> resubscribed = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = store.subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
            }

            @Override
            public void onResubscribed() {
                resubscribed.add(true);
            }
        });
        try {
            awaitSubscribed(resubscribed);
            int before = resubscribed.size();

            REDIS.server().stop();
            REDIS.server().start();

            await().atMost(Duration.ofSeconds(30)).until(() -> resubscribed.size() > before);
        } finally {
            subscription.close();
        }
    }

    @Test
    void calls_failWithAStoreException_whileRedisIsDown() {
        REDIS.server().stop();
        try {
            assertThat(store.ping().toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(StoreException.class);
        } finally {
            REDIS.server().start();
        }
    }
}
