package dev.widgetedge.benchmarks;

import dev.widgetedge.benchmarks.load.BareNettyServer;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.gateway.Gateway;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.GatewayWiring;
import dev.widgetedge.gateway.decide.ExistenceFilter;
import dev.widgetedge.gateway.decide.KeyDecider;
import dev.widgetedge.gateway.pipeline.GatewayInitializer;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's whole pipeline, request bytes in → response bytes out, without sockets: the
 * {@link GatewayInitializer} of a {@link GatewayWiring} (no upstream) on an {@link EmbeddedChannel}.
 * The wiring is the one {@link Gateway#start} binds to its port, so the benchmark runs the
 * production decide path, existence filter, metrics (on the app's Prometheus registry,
 * {@link Metrics#newRegistry()}), ticker, usage recorder and subscription, on an
 * {@link InMemoryWidgetKeyStore} holding one key.
 *
 * <p>Each operation copies a bootstrap request ({@code GET /v1/widget/bootstrap?key=…} with
 * {@code Host}, {@code Origin}, {@code User-Agent}, {@code Accept}, keep-alive) into a new pooled
 * direct buffer, as the epoll transport's read does, writes it inbound (HTTP decoding, routing,
 * the decide path, the answer, CORS headers, metrics, HTTP encoding), runs the tasks the pipeline
 * queued on its event loop (the router's end-of-response step), then reads and releases every
 * outbound buffer. It returns the response's byte count. The channel's allocator is the pooled
 * one, as {@code HttpServer} configures it. What is not measured: the socket read and write
 * system calls, the event loop's own work, and flushing across connections.
 *
 * <p>Variants: {@code bootstrap_allowed} (cached key, allowed origin: the 200 every page load
 * makes; the headline), {@code bootstrap_unknownKey} (well-formed key the store lacks, ruled out
 * by the existence filter: a 401 with a JSON body), {@code bootstrap_invalidKey} (checksum failure: 401, no
 * lookup), and {@code baseline_bareNetty}: the same allowed request through
 * {@link BareNettyServer}'s pipeline (codec, keep-alive, fixed answer with the same headers) on the
 * same kind of channel, i.e. what Netty's HTTP handling and the embedded channel cost by
 * themselves; the difference to {@code bootstrap_allowed} is the gateway's own work.
 *
 * <p>Every iteration checks that the store was not read while it ran and that the channels are
 * still open, so a figure is never that of a miss or of a closed connection; set-up checks the
 * first response of each variant (status line, {@code Access-Control-Allow-Origin} on the 200).
 *
 * <p>Run (bytes/op is {@code gc.alloc.rate.norm}: heap allocation only; the pooled direct
 * request and response buffers come from the pool's arenas, not the heap):
 * <pre>{@code
 * ./mvnw -q -B package -DskipTests -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar PipelineBenchmark -prof gc
 * # quicker look: java -jar benchmarks/target/benchmarks.jar PipelineBenchmark -prof gc -f 1 -wi 3 -i 5
 * }</pre>
 * Keep iterations shorter than the negative TTL (10 s): entries are reloaded before each
 * iteration, and an iteration that outlives one fails instead of measuring misses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PipelineBenchmark {

    private static final String ORIGIN = "https://acme.com";

    private EventLoops loops;
    private GatewayWiring wiring;
    private ExistenceFilter existence;
    private KeyDecider decider;
    private PrometheusMeterRegistry registry;
    private EmbeddedChannel channel;
    private EmbeddedChannel bareChannel;
    private ByteBufAllocator alloc;

    private String key;
    private String unknownKey;
    private byte[] allowedRequest;
    private byte[] unknownKeyRequest;
    private byte[] invalidKeyRequest;

    private long loadsBeforeIteration;

    @Setup(Level.Trial)
    public void setUp() {
        InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();
        key = BenchKeys.insert(store, BenchKeys.SMALL_ALLOWLIST);
        unknownKey = BenchKeys.insert(new InMemoryWidgetKeyStore(), List.of());
        String invalidKey = BenchKeys.withBadChecksum(key);
        allowedRequest = bootstrapRequest(key);
        unknownKeyRequest = bootstrapRequest(unknownKey);
        invalidKeyRequest = bootstrapRequest(invalidKey);

        // The registry GatewayCommand and DevCommand pass to Gateway.start.
        registry = Metrics.newRegistry();
        loops = EventLoops.create();
        wiring = GatewayWiring.start(loops, GatewaySettings.defaults(), store, registry, Clock.systemUTC());
        decider = wiring.decider();
        existence = wiring.existenceFilter();

        alloc = PooledByteBufAllocator.DEFAULT;
        channel = new EmbeddedChannel(wiring.initializer());
        channel.config().setAllocator(alloc);

        bareChannel = new EmbeddedChannel(BareNettyServer.initializer());
        bareChannel.config().setAllocator(alloc);

        loadKeys();
        expectResponse(bareChannel, allowedRequest, "HTTP/1.1 200 OK", "access-control-allow-origin: " + ORIGIN);
        expectResponse(allowedRequest, "HTTP/1.1 200 OK", "access-control-allow-origin: " + ORIGIN);
        expectResponse(unknownKeyRequest, "HTTP/1.1 401 ", "\"unknown_key\"");
        expectResponse(invalidKeyRequest, "HTTP/1.1 401 ", "\"invalid_key\"");
    }

    /** Loads the keys afresh, so that no entry goes stale or expires within the iteration. */
    @Setup(Level.Iteration)
    public void loadKeys() {
        // As after a reconnection: every entry stale and read again, the existence filter rebuilt.
        decider.onResubscribed();
        decider.decide(key, ORIGIN).toCompletableFuture().join();
        while (!existence.isTrusted()) {
            Thread.onSpinWait();
        }
        loadsBeforeIteration = loads();
    }

    /** Fails the run if the store was read during the iteration or the connection closed. */
    @TearDown(Level.Iteration)
    public void check() {
        long loads = loads() - loadsBeforeIteration;
        if (loads != 0) {
            throw new IllegalStateException(loads + " store reads during the iteration: it measured misses");
        }
        if (!channel.isActive() || !bareChannel.isActive()) {
            throw new IllegalStateException("a connection was closed");
        }
        if (decider.decideCached(key, ORIGIN) == null) {
            throw new IllegalStateException("the entry went stale during the iteration; "
                    + "keep iterations shorter than the cache TTL (30 s)");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        channel.finishAndReleaseAll();
        bareChannel.finishAndReleaseAll();
        wiring.close(Duration.ofSeconds(2));
        loops.shutdown(Duration.ofSeconds(2));
        registry.close();
    }

    /** Cached key, allowed origin: {@code 200} with the bootstrap JSON and CORS headers. */
    @Benchmark
    public long bootstrap_allowed() {
        return exchange(allowedRequest);
    }

    /** Well-formed key the store does not have, remembered negatively: {@code 401 unknown_key}. */
    @Benchmark
    public long bootstrap_unknownKey() {
        return exchange(unknownKeyRequest);
    }

    /** Checksum failure: {@code 401 invalid_key}, no cache or store lookup. */
    @Benchmark
    public long bootstrap_invalidKey() {
        return exchange(invalidKeyRequest);
    }

    /**
     * Baseline: the same request through {@link BareNettyServer}'s pipeline (HTTP codec,
     * keep-alive, a handler answering the same 200 with the same headers) on the same kind of
     * channel: what HTTP decoding/encoding and the embedded channel cost without the gateway.
     */
    @Benchmark
    public long baseline_bareNetty() {
        return exchange(bareChannel, allowedRequest);
    }

    private long exchange(byte[] request) {
        return exchange(channel, request);
    }

    /** One request through {@code target}'s pipeline; returns the response's size in bytes. */
    private long exchange(EmbeddedChannel target, byte[] request) {
        ByteBuf in = alloc.directBuffer(request.length).writeBytes(request);
        // Fires channelRead + channelReadComplete, then runs the tasks the pipeline queued.
        target.writeInbound(in);
        long bytes = 0;
        Object out;
        while ((out = target.readOutbound()) != null) {
            if (out instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
            }
            ReferenceCountUtil.release(out);
        }
        return bytes;
    }

    private void expectResponse(byte[] request, String statusLine, String contains) {
        expectResponse(channel, request, statusLine, contains);
    }

    private void expectResponse(EmbeddedChannel target, byte[] request, String statusLine, String contains) {
        ByteBuf in = alloc.directBuffer(request.length).writeBytes(request);
        target.writeInbound(in);
        StringBuilder response = new StringBuilder();
        Object out;
        while ((out = target.readOutbound()) != null) {
            response.append(((ByteBuf) out).toString(StandardCharsets.US_ASCII));
            ReferenceCountUtil.release(out);
        }
        String text = response.toString();
        if (!text.startsWith(statusLine) || !text.contains(contains)) {
            throw new IllegalStateException("unexpected response (wanted " + statusLine + " with " + contains
                    + "):\n" + text);
        }
        if (!target.isActive()) {
            throw new IllegalStateException("the server closed the connection after:\n" + text);
        }
    }

    private long loads() {
        return decider.cache().stats().loadCount();
    }

    /** The bootstrap request a browser page on {@link #ORIGIN} sends (trimmed to typical headers). */
    static byte[] bootstrapRequest(String widgetKey) {
        return ("GET /v1/widget/bootstrap?key=" + widgetKey + " HTTP/1.1\r\n"
                + "Host: edge.example.com\r\n"
                + "Origin: " + ORIGIN + "\r\n"
                + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)\r\n"
                + "Accept: */*\r\n"
                + "Referer: https://acme.com/pricing\r\n"
                + "Connection: keep-alive\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
