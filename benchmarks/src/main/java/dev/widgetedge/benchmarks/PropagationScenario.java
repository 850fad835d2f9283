package dev.widgetedge.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widgetedge.admin.AdminServer;
import dev.widgetedge.admin.AdminTokens;
import dev.widgetedge.core.key.AdminTokenFormat;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.store.RedisAdminTokenStore;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.store.RedisWidgetKeyStore;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.gateway.Gateway;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HeaderTimeout;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.Metrics;
import dev.widgetedge.testing.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Revocation propagation, end to end on loopback: how long after the admin API answers
 * {@code 204} to {@code PATCH {"disabled":true}} both gateways refuse the key. The goal is
 * p99 ≤ 50 ms ({@code docs/benchmarks.md}).
 *
 * <p>It starts a real {@code redis-server} on a free port, the real admin API and two real
 * gateways (each with its own Redis connections, default settings) on free ports, all in this
 * process, and issues an admin token. Then, per round: it creates a key over HTTP, warms both
 * gateways with an allowed bootstrap (the key is now cached in each), disables the key, notes the
 * time at which the 204's headers arrive, and polls both gateways with bootstrap requests in a
 * tight loop until each answers 403. The round's figure is the time from the 204 to the receipt
 * of the 403 from the <em>last</em> gateway to refuse. Each poll asks every gateway that has not
 * refused yet at once (keep-alive connections), so a refusal is seen up to one poll round trip
 * after it happened, and the smallest possible figure is one round trip. The scenario prints the
 * round trip of a bootstrap and how many rounds were refused at the very first poll, which tell
 * whether a figure is propagation or the poller's own resolution. The first rounds (default 20)
 * warm the JIT and are not counted.
 *
 * <p>Not a JMH benchmark and not a test: it prints count, min, median, p90, p99 and max in
 * milliseconds and the machine it ran on, and exits 0 (1 when a round fails or times out).
 *
 * <p>Usage (needs {@code redis-server} on the {@code PATH}):
 * <pre>{@code
 * ./mvnw -q -B package -DskipTests -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.widgetedge.benchmarks.PropagationScenario --rounds 200
 * }</pre>
 */
public final class PropagationScenario {

    static final String USAGE =
            "usage: java -cp benchmarks/target/benchmarks.jar dev.widgetedge.benchmarks.PropagationScenario"
            + " [--rounds N (default 200)] [--warmup N (default 20)]";

    private static final String ACCOUNT = "acct_propagation";
    private static final String ORIGIN = "https://acme.com";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Longer than a connection start-up, shorter than the 30 s cache TTL that would hide a lost invalidation. */
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private int adminPort;
    private final List<Integer> gatewayPorts = new ArrayList<>();
    private String adminToken;

    private PropagationScenario() {
    }

    public static void main(String[] args) {
        int rounds = 200;
        int warmup = 20;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--rounds" -> rounds = positive(args[++i]);
                    case "--warmup" -> warmup = Math.max(0, Integer.parseInt(args[++i]));
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println(e.getMessage() == null ? e.toString() : e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        int code;
        PropagationScenario scenario = new PropagationScenario();
        try {
            scenario.start();
            for (int i = 0; i < warmup; i++) {
                scenario.round(i);
            }
            List<Round> measured = new ArrayList<>(rounds);
            for (int i = 0; i < rounds; i++) {
                measured.add(scenario.round(warmup + i));
            }
            report(warmup, measured);
            code = 0;
        } catch (Exception e) {
            LoggerFactory.getLogger(PropagationScenario.class).error("propagation scenario failed", e);
            code = 1;
        } finally {
            scenario.closeAll();
        }
        System.exit(code);
    }

    private static int positive(String value) {
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException("--rounds: " + value + " (expected: >= 1)");
        }
        return n;
    }

    /** Redis, the admin API, two gateways, an admin token; waits until both gateways are subscribed. */
    private void start() throws Exception {
        RedisServer redis = RedisServer.startNew();
        resources.push(redis);
        // Kill redis-server even if the JVM is stopped by a signal before closeAll runs.
        Thread killRedis = new Thread(redis::close, "kill-redis-server");
        Runtime.getRuntime().addShutdownHook(killRedis);
        resources.push(() -> {
            try {
                Runtime.getRuntime().removeShutdownHook(killRedis);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run: nothing to remove.
            }
        });

        EventLoops loops = EventLoops.create();
        resources.push(loops);
        Clock clock = Clock.systemUTC();

        RedisConnector adminRedis = RedisConnector.start(redis.uri(), Duration.ofSeconds(2));
        resources.push(adminRedis);
        RedisAdminTokenStore tokens = new RedisAdminTokenStore(adminRedis);
        MeterRegistry adminRegistry = Metrics.newRegistry();
        resources.push(adminRegistry::close);
        HttpServer admin = AdminServer.start(loops, "127.0.0.1", 0, new RedisWidgetKeyStore(adminRedis), tokens,
                adminRegistry, clock, HeaderTimeout.DEFAULT, AuditLimits.defaults());
        resources.push(admin::stopAccepting);
        adminPort = admin.port();
        if (!adminRedis.awaitConnected(START_TIMEOUT)) {
            throw new IllegalStateException("the admin API did not connect to " + redis.uri());
        }
        adminToken = AdminTokenFormat.mintToken();
        AdminTokens.issue(tokens, adminToken, "propagation scenario", AccountScope.of(Set.of(ACCOUNT)), clock)
                .toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

        GatewaySettings settings = GatewaySettings.defaults();
        for (int i = 0; i < 2; i++) {
            RedisConnector connector = RedisConnector.start(redis.uri(), settings.storeTimeout());
            resources.push(connector);
            MeterRegistry registry = Metrics.newRegistry();
            resources.push(registry::close);
            Gateway gateway = Gateway.start(loops, "127.0.0.1", 0, settings, new RedisWidgetKeyStore(connector),
                    registry, clock);
            resources.push(() -> {
                gateway.server().stopAccepting();
                gateway.close();
            });
            gatewayPorts.add(gateway.server().port());
            if (!connector.awaitConnected(START_TIMEOUT)) {
                throw new IllegalStateException("gateway " + i + " did not connect to " + redis.uri());
            }
        }
        awaitSubscribers(adminRedis, gatewayPorts.size());
    }

    /** Waits until Redis counts {@code expected} subscribers over all pub/sub channels. */
    private static void awaitSubscribers(RedisConnector redis, int expected) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            long subscribers = redis.call(commands -> commands.pubsubChannels()
                            .thenCompose(channels -> channels.isEmpty()
                                    ? CompletableFuture.completedFuture(Map.<String, Long>of())
                                    : commands.pubsubNumsub(channels.toArray(String[]::new))))
                    .thenApply(counts -> counts.values().stream().mapToLong(Long::longValue).sum())
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            if (subscribers >= expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + subscribers + " of " + expected
                        + " gateways subscribed to invalidations after " + START_TIMEOUT);
            }
            // Subscribing is asynchronous and has no event to wait on from here; poll briefly.
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /**
     * One round's figures.
     *
     * @param firstMs        ms from the 204 to the first gateway's 403
     * @param lastMs         ms from the 204 to the last gateway's 403 (the figure)
     * @param polls          bootstrap requests sent after the 204, over both gateways (2: both
     *                       refused at the first poll, so the figure is the poller's resolution)
     * @param bootstrapRttMs the mean round trip of the two warming bootstraps: the resolution of
     *                       the figures (a refusal is seen one poll round trip after it happens)
     */
    record Round(double firstMs, double lastMs, int polls, double bootstrapRttMs) {
    }

    /** One round: create, warm, disable, poll until every gateway refuses. */
    private Round round(int n) throws IOException, InterruptedException {
        HttpResponse<String> created = admin("POST", "/api/v1/widget-keys",
                "{\"name\":\"propagation " + n + "\",\"domain_allowlist\":[\"" + ORIGIN + "\"]}");
        if (created.statusCode() != 201) {
            throw new IllegalStateException("create answered " + created.statusCode() + ": " + created.body());
        }
        JsonNode json = JSON.readTree(created.body());
        String key = json.get("key").asText();
        String id = json.get("id").asText();

        long warmStart = System.nanoTime();
        for (int g = 0; g < gatewayPorts.size(); g++) {
            int status = bootstrap(g, key);
            if (status != 200) {
                throw new IllegalStateException("round " + n + ": gateway " + g + " answered " + status
                        + " to the warming bootstrap");
            }
        }

        double bootstrapRttMs = (System.nanoTime() - warmStart) / 1e6 / gatewayPorts.size();

        long[] answeredAt = new long[1];
        HttpRequest disable = adminRequest("PATCH", "/api/v1/widget-keys/" + id, "{\"disabled\":true}");
        HttpResponse<Void> patched = http.send(disable, info -> {
            answeredAt[0] = System.nanoTime(); // the 204's status line and headers are in
            return HttpResponse.BodySubscribers.discarding();
        });
        if (patched.statusCode() != 204) {
            throw new IllegalStateException("round " + n + ": PATCH answered " + patched.statusCode());
        }
        long start = answeredAt[0];

        int gateways = gatewayPorts.size();
        long[] refusedAt = new long[gateways];
        int waiting = gateways;
        int polls = 0;
        long deadline = start + ROUND_TIMEOUT.toNanos();
        while (waiting > 0) {
            // Poll every gateway that has not refused yet at once, and note when each answer arrives.
            List<CompletableFuture<long[]>> answers = new ArrayList<>(gateways);
            for (int g = 0; g < gateways; g++) {
                answers.add(refusedAt[g] != 0 ? null : http.sendAsync(bootstrapRequest(g, key),
                                HttpResponse.BodyHandlers.discarding())
                        .thenApply(response -> new long[] {response.statusCode(), System.nanoTime()}));
            }
            for (int g = 0; g < gateways; g++) {
                if (answers.get(g) == null) {
                    continue;
                }
                long[] answer = join(answers.get(g));
                polls++;
                if (answer[0] == 403) {
                    refusedAt[g] = answer[1];
                    waiting--;
                } else if (answer[0] != 200) {
                    throw new IllegalStateException("round " + n + ": gateway " + g + " answered " + answer[0]);
                }
            }
            if (waiting > 0 && System.nanoTime() > deadline) {
                throw new IllegalStateException("round " + n + ": not refused by every gateway within "
                        + ROUND_TIMEOUT.toSeconds() + " s of the 204 (lost invalidation?)");
            }
        }
        long first = Arrays.stream(refusedAt).min().orElseThrow();
        long last = Arrays.stream(refusedAt).max().orElseThrow();
        return new Round((first - start) / 1e6, (last - start) / 1e6, polls, bootstrapRttMs);
    }

    private int bootstrap(int gateway, String key) throws IOException, InterruptedException {
        return http.send(bootstrapRequest(gateway, key), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long[] join(CompletableFuture<long[]> answer) throws IOException, InterruptedException {
        try {
            return answer.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private HttpRequest bootstrapRequest(int gateway, String key) {
        return HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + gatewayPorts.get(gateway) + "/v1/widget/bootstrap?key=" + key))
                .header("Origin", ORIGIN)
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
    }

    private HttpResponse<String> admin(String method, String path, String body) throws IOException, InterruptedException {
        return http.send(adminRequest(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest adminRequest(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** Closes everything in reverse order of start; redis-server is killed last, whatever failed before. */
    private void closeAll() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("while closing: " + e);
            }
        }
    }

    private static void report(int warmup, List<Round> rounds) {
        double[] lastMs = rounds.stream().mapToDouble(Round::lastMs).toArray();
        double[] firstMs = rounds.stream().mapToDouble(Round::firstMs).toArray();
        double[] rttMs = rounds.stream().mapToDouble(Round::bootstrapRttMs).toArray();
        long refusedAtOnce = rounds.stream().filter(round -> round.polls() == 2).count();
        System.out.printf("Revocation propagation: admin 204 -> every gateway (2) refusing, %d rounds"
                + " (after %d warm-up rounds)%n", rounds.size(), warmup);
        System.out.println("  last gateway refusing (the figure): " + summary(lastMs));
        System.out.println("  first gateway refusing:             " + summary(firstMs));
        System.out.println("  one bootstrap round trip (warm):    " + summary(rttMs));
        System.out.printf("  rounds in which both gateways refused the first poll after the 204: %d of %d%n",
                refusedAtOnce, rounds.size());
        System.out.println("  target: p99 <= 50 ms -> "
                + (percentile(sorted(lastMs), 0.99) <= 50.0 ? "met" : "MISSED"));
        System.out.println("Machine: " + machine());
    }

    private static String summary(double[] values) {
        double[] s = sorted(values);
        return String.format("count %d  min %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  (ms)",
                s.length, s[0], percentile(s, 0.50), percentile(s, 0.90), percentile(s, 0.99), s[s.length - 1]);
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    static String machine() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.availableProcessors() + " cores" + cpuModel()
                + ", " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch")
                + ", max heap " + runtime.maxMemory() / (1024 * 1024) + " MiB";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .findFirst()
                    .map(line -> " (" + line.substring(line.indexOf(':') + 1).trim() + ")")
                    .orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
