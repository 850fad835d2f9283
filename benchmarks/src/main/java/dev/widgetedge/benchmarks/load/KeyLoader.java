package dev.widgetedge.benchmarks.load;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.store.RedisWidgetKeyStore;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Mints N widget keys in the real key format and stores them in Redis with the store's own code
 * ({@link RedisWidgetKeyStore#insert}, the same Lua script the admin API's create runs), many
 * inserts in flight on one pipelined connection; much faster than N admin API calls. Writes the
 * plaintext keys, one per line, to {@code --keys-out} (the load harness's Zipf script reads it:
 * line 1 is the most popular key), and optionally an nginx {@code map} include of the same keys
 * ({@code pk_live_… 1;}) to {@code --nginx-map}.
 *
 * <p>Each key belongs to {@code --account} (default {@code acct_bench}), has the agent
 * {@code agent_1} and the allowlist {@code https://acme.com https://*.acme.com} — the origin the
 * harness sends is {@code https://acme.com}.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.widgetedge.benchmarks.load.KeyLoader \
 *     --redis redis://127.0.0.1:6380 --count 1000000 --keys-out keys.txt --nginx-map keys.map
 * }</pre>
 * Load it before the gateways start: every insert publishes an invalidation, which a subscribed
 * gateway would have to process.
 */
public final class KeyLoader {

    static final List<String> ALLOWLIST = List.of("https://acme.com", "https://*.acme.com");

    private KeyLoader() {
    }

    public static void main(String[] args) throws Exception {
        String redis = null;
        long count = 1_000_000;
        Path keysOut = null;
        Path nginxMap = null;
        String account = "acct_bench";
        int window = 2_000;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--redis" -> redis = value;
                case "--count" -> count = Long.parseLong(value);
                case "--keys-out" -> keysOut = Path.of(value);
                case "--nginx-map" -> nginxMap = Path.of(value);
                case "--account" -> account = value;
                case "--window" -> window = Integer.parseInt(value);
                default -> usage("unknown option " + args[i]);
            }
            i++;
        }
        if (redis == null || keysOut == null || count < 1) {
            usage("--redis and --keys-out are required, --count >= 1");
        }
        long started = System.nanoTime();
        long loaded = load(redis, count, keysOut, nginxMap, account, window);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("loaded %d keys into %s in %.1f s (%.0f keys/s); keys in %s%s%n", loaded, redis, seconds,
                loaded / seconds, keysOut, nginxMap == null ? "" : ", nginx map in " + nginxMap);
    }

    static long load(String redisUri, long count, Path keysOut, Path nginxMap, String account, int window)
            throws Exception {
        SecureRandom random = fastRandom();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Semaphore inFlight = new Semaphore(window);
        AtomicLong inserted = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (RedisConnector connector = RedisConnector.start(redisUri, Duration.ofSeconds(30));
                BufferedWriter keys = Files.newBufferedWriter(keysOut, StandardCharsets.US_ASCII);
                BufferedWriter map = nginxMap == null ? null : Files.newBufferedWriter(nginxMap, StandardCharsets.US_ASCII)) {
            if (!connector.awaitConnected(Duration.ofSeconds(10))) {
                throw new IllegalStateException("cannot connect to " + redisUri);
            }
            RedisWidgetKeyStore store = new RedisWidgetKeyStore(connector);
            for (long n = 0; n < count && failure.get() == null; n++) {
                String plaintext = WidgetKeyFormat.mint(random);
                WidgetKey key = WidgetKey.created(KeyDigest.keyId(plaintext), account, WidgetKeyFormat.last8(plaintext),
                        KeySettings.of("load " + n, "agent_1", ALLOWLIST), now, null);
                inFlight.acquire();
                store.insert(key, KeyDigest.sha256Hex(plaintext), now, null).whenComplete((applied, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else if (!applied) {
                        failure.compareAndSet(null, new IllegalStateException("key id collision"));
                    } else {
                        inserted.incrementAndGet();
                    }
                    inFlight.release();
                });
                keys.write(plaintext);
                keys.write('\n');
                if (map != null) {
                    map.write(plaintext);
                    map.write(" 1;\n");
                }
            }
            inFlight.acquire(window);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("insert failed after " + inserted.get() + " keys", failure.get());
        }
        return inserted.get();
    }

    /** Keys for a benchmark need no entropy from the OS per call; a seeded DRBG is plenty. */
    private static SecureRandom fastRandom() throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(System.nanoTime());
        return random;
    }

    private static void usage(String problem) {
        System.err.println("KeyLoader: " + problem);
        System.err.println("usage: KeyLoader --redis URI --keys-out FILE [--count N] [--nginx-map FILE] "
                + "[--account ACCOUNT] [--window N]");
        System.exit(2);
    }
}
