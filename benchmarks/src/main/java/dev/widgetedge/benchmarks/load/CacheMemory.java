package dev.widgetedge.benchmarks.load;

import dev.widgetedge.core.audit.AuditEvent;
import dev.widgetedge.core.audit.AuditQuery;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.KeyLookup;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.report.UsageDay;
import dev.widgetedge.core.store.ChangeBatch;
import dev.widgetedge.core.store.ChangeCursor;
import dev.widgetedge.core.store.InvalidationListener;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.store.Subscription;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.GatewayWiring;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Heap per cached key: fills the {@link KeyDecider} of a {@link GatewayWiring} (the wiring
 * {@code Gateway.start} binds to its port: Prometheus registry, gateway and Caffeine metrics,
 * ticker, usage and origin report recorders, existence filter, invalidation subscription; default settings, so
 * {@code --cache-max-keys 1000000}) with N keys, each loaded by one allowed request, and reports
 * the growth of the used heap divided by N.
 *
 * <p>The store is a stand-in that builds a fresh record for every read, as reading a Redis hash
 * does (new {@code String}s for the account, agent and allowlist entries; nothing shared between
 * keys or with the caller), and keeps nothing itself, so the growth is what the gateway retains:
 * the plaintext key {@code String} (the cache's key, 44 characters, as decoded from the request),
 * Caffeine's node and map entry, the future around the value, {@code CachedKey} with its
 * {@code Decision.Allowed}, compiled allowlist and remembered {@code Origin} value (a fresh string,
 * as each request's header is), the id → key index, and Caffeine's frequency sketch. Each key has
 * a small allowlist of its own: {@code https://shopNNNNNNN.example https://*.shopNNNNNNN.example}.
 *
 * <p>Used heap is read from {@link MemoryMXBean} after several {@link System#gc()} calls, before
 * the first key and after the last (the keys are minted and loaded one by one, nothing else holds
 * them); the figure is cross-checked with two {@code jcmd <pid> GC.class_histogram} snapshots,
 * whose per-class differences are printed too (when {@code jcmd} is on the {@code PATH}).
 *
 * <pre>{@code
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.widgetedge.benchmarks.load.CacheMemory [N]
 * }</pre>
 * N defaults to 1,000,000 (the default {@code --cache-max-keys}); a larger N is capped by eviction.
 */
public final class CacheMemory {

    private CacheMemory() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        GatewaySettings settings = GatewaySettings.defaults();
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        EventLoops loops = EventLoops.create();
        // The store never reports its subscription in place, so the existence filter is never built
        // and every key is looked up: what is measured is the cache.
        GatewayWiring wiring = GatewayWiring.start(loops, settings, new FreshRecordStore(), registry, Clock.systemUTC());
        KeyDecider decider = wiring.decider();

        // Warm up the code paths (class loading, JIT) on keys that are then dropped from the cache.
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(42);
        for (int i = 0; i < 10_000; i++) {
            String key = WidgetKeyFormat.mint(random);
            decide(decider, key);
        }
        decider.cache().invalidateAll();
        decider.cache().cleanUp();
        Thread.sleep(2 * settings.usageFlush().toMillis() + 100);
        closeReportHour(wiring);

        long before = usedHeapAfterGc(memory);
        Map<String, long[]> histogramBefore = classHistogram();
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            decide(decider, WidgetKeyFormat.mint(random));
        }
        double fillSeconds = (System.nanoTime() - started) / 1e9;
        // Let the usage recorder write its marks (its pending map empties) and Caffeine catch up.
        Thread.sleep(2 * settings.usageFlush().toMillis() + 100);
        wiring.traffic().flush().join();
        decider.cache().cleanUp();
        long cached = decider.cache().estimatedSize();
        long withReport = usedHeapAfterGc(memory);
        closeReportHour(wiring);
        long after = usedHeapAfterGc(memory);
        Map<String, long[]> histogramAfter = classHistogram();

        System.out.printf(Locale.ROOT, "CacheMemory: %,d keys decided (allowed) in %.1f s; %,d cached%n", n,
                fillSeconds, cached);
        System.out.printf(Locale.ROOT, "  used heap after GC: before %,d B, after %,d B, difference %,d B%n",
                before, after, after - before);
        System.out.printf(Locale.ROOT, "  heap per cached key (MemoryMXBean): %.1f B%n", (after - before) / (double) cached);
        System.out.printf(Locale.ROOT, "  and the origin report's tallies of the hour, while it lasts: %.1f B per key in use%n",
                (withReport - after) / (double) cached);
        if (histogramBefore != null && histogramAfter != null) {
            printHistogramDifference(histogramBefore, histogramAfter, cached);
        }
        System.out.printf(Locale.ROOT, "Machine: %d cores, %s %s, max heap %d MiB, GC %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"), Runtime.getRuntime().maxMemory() >> 20, gcNames());

        wiring.close(Duration.ofSeconds(2));
        loops.shutdown(Duration.ofSeconds(2));
        registry.close();
    }

    /** One allowed request for {@code key}, with its own {@code Origin} value, as a page would send. */
    private static void decide(KeyDecider decider, String key) {
        String origin = "https://shop" + FreshRecordStore.shopOf(KeyDigest.keyId(key)) + ".example";
        Decision decision = decider.decide(key, origin).toCompletableFuture().join();
        if (!(decision instanceof Decision.Allowed)) {
            throw new IllegalStateException("expected allowed, got " + decision);
        }
    }

    /**
     * Closes the origin report's hour and writes it twice, as the end of an hour and the flush after
     * it do, so that its per-key tallies (which live the hour, bounded by the keys in use in it) are
     * gone and what remains is what stays with the cache. {@code close} closes the window (and stops
     * the recorder's schedule: from here on it writes when this calls it); the flush writes it the
     * second time.
     */
    private static void closeReportHour(GatewayWiring wiring) {
        wiring.traffic().close();
        wiring.traffic().flush().join();
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Class name → {instances, bytes} from {@code jcmd <self> GC.class_histogram}; null without jcmd. */
    private static Map<String, long[]> classHistogram() {
        try {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            Map<String, long[]> classes = new HashMap<>();
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(jcmd.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] parts = line.trim().split("\\s+");
                    // "   1:   1234   56789  java.lang.String (java.base@17)"
                    if (parts.length >= 4 && parts[0].endsWith(":")) {
                        classes.put(parts[3], new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                    } else if (parts.length == 3 && parts[0].equals("Total")) {
                        classes.put("(total)", new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                    }
                }
            }
            return jcmd.waitFor() == 0 && classes.containsKey("(total)") ? classes : null;
        } catch (IOException | InterruptedException | NumberFormatException e) {
            System.out.println("  (no class histogram: " + e + ")");
            return null;
        }
    }

    private static void printHistogramDifference(Map<String, long[]> before, Map<String, long[]> after, long cached) {
        long total = after.get("(total)")[1] - before.get("(total)")[1];
        System.out.printf(Locale.ROOT, "  cross-check, jcmd GC.class_histogram: difference %,d B = %.1f B per cached key; "
                + "largest growths:%n", total, total / (double) cached);
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : after.entrySet()) {
            if (entry.getKey().equals("(total)")) {
                continue;
            }
            long[] was = before.getOrDefault(entry.getKey(), new long[2]);
            grown.add(Map.entry(entry.getKey(), new long[] {entry.getValue()[0] - was[0], entry.getValue()[1] - was[1]}));
        }
        grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        for (Map.Entry<String, long[]> entry : grown.subList(0, Math.min(15, grown.size()))) {
            long[] d = entry.getValue();
            System.out.printf(Locale.ROOT, "    %12s instances %14s B  %6.1f B/key  %s%n", String.format("%,d", d[0]),
                    String.format("%,d", d[1]), d[1] / (double) cached, entry.getKey());
        }
    }

    private static String gcNames() {
        List<String> names = new ArrayList<>();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(gc -> names.add(gc.getName()));
        return String.join(", ", names);
    }

    /**
     * A store that holds nothing and answers every lookup with a fresh, enabled record whose
     * allowlist is the key's own shop origin: what a Redis read returns, object for object.
     */
    static final class FreshRecordStore implements WidgetKeyStore {

        private final Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        /** A 7-digit shop number derived from the key's id, so that each key has its own allowlist. */
        static String shopOf(UUID id) {
            return String.format(Locale.ROOT, "%07d", Math.floorMod(id.hashCode(), 10_000_000));
        }

        @Override
        public CompletionStage<Optional<StoredWidgetKey>> findByKey(KeyLookup lookup) {
            // Every field a fresh object, as decoding a Redis hash makes them.
            UUID id = new UUID(lookup.id().getMostSignificantBits(), lookup.id().getLeastSignificantBits());
            String shop = shopOf(id);
            List<String> allowlist = List.of("https://shop" + shop + ".example", "https://*.shop" + shop + ".example");
            String last8 = lookup.digest().substring(0, 8);
            WidgetKey key = WidgetKey.created(id, fresh("acct_bench"), last8,
                    KeySettings.of("shop " + shop, fresh("agent_1"), allowlist), created, null);
            return CompletableFuture.completedFuture(Optional.of(new StoredWidgetKey(key, 1)));
        }

        /** A copy with its own byte array ({@code new String(String)} would share the literal's). */
        private static String fresh(String value) {
            return new String(value.toCharArray());
        }

        @Override
        public CompletionStage<List<WidgetKey>> listByAccount(String accountId) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Optional<StoredWidgetKey>> findById(UUID id) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<OptionalLong> versionOf(UUID id) {
            return CompletableFuture.completedFuture(OptionalLong.of(1));
        }

        @Override
        public CompletionStage<Void> scanKeyIds(Consumer<UUID> sink) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Boolean> insert(WidgetKey key, String digest, Instant now, AuditEvent event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Boolean> replace(StoredWidgetKey current, WidgetKey next, Instant now,
                AuditEvent event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Boolean> removeUnused(StoredWidgetKey current, Instant now, AuditEvent event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<RotateResult> rotate(StoredWidgetKey current, WidgetKey retired, WidgetKey successor,
                String successorDigest, Instant now, AuditEvent retiredEvent, AuditEvent createdEvent) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Optional<List<AuditEvent>>> auditEvents(AuditQuery query) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> recordTraffic(UUID keyId, Instant hour, List<TrafficCount> counts) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<List<TrafficCount>> originCounts(UUID keyId, List<Instant> hours) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<List<UsageDay>> usageDays(UUID keyId, List<LocalDate> days) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> recordUsage(UUID id, Instant usedAt) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<ChangeBatch> changesSince(ChangeCursor after, int max) {
            return CompletableFuture.completedFuture(ChangeBatch.start(new ChangeCursor("0", 0)));
        }

        @Override
        public Subscription subscribe(InvalidationListener listener) {
            return new Subscription() {
                @Override
                public CompletionStage<Void> caughtUp() {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public CompletionStage<Void> ping() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
