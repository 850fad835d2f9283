package dev.widgetedge.gateway.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP upstream (the JDK's server, so it stays off Netty's allocator) that records what it
 * receives. Paths:
 *
 * <ul>
 *   <li>{@code /download?bytes=N}: answers N bytes of {@link #pattern()}, chunked;</li>
 *   <li>{@code /held-upload}: reads the body only after {@link #releaseUploads()};</li>
 *   <li>anything else: reads the body and answers {@code <method> <target> <body bytes>}, with
 *       {@code Vary} and a set of hop-by-hop headers the proxy must drop.</li>
 * </ul>
 */
final class TestUpstream implements AutoCloseable {

    /** One request as the upstream saw it. */
    record Received(String method, String target, Map<String, List<String>> headers, long bodyBytes, long bodyCrc,
            int clientPort) {

        /** All values of header {@code name} (any case), joined; {@code null} when absent. */
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> String.join(", ", entry.getValue()))
                    .findFirst().orElse(null);
        }
    }

    private static final int BLOCK = 64 * 1024;
    private static final byte[] PATTERN = new byte[BLOCK];

    static {
        for (int i = 0; i < BLOCK; i++) {
            PATTERN[i] = (byte) (i * 31 + 7);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<IOException> brokenUploads = new CopyOnWriteArrayList<>();
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong bodyBytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final CountDownLatch uploadGate = new CountDownLatch(1);

    private TestUpstream(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static TestUpstream start() {
        try {
            return new TestUpstream(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An upstream over TLS, with the certificate of {@code tls}. */
    static TestUpstream startTls(SSLContext tls) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new TestUpstream(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repeating 64 KiB block that downloads are made of. */
    static byte[] pattern() {
        return PATTERN.clone();
    }

    URI uri(String host) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://" + host + ":" + server.getAddress().getPort());
    }

    URI uri() {
        return uri("127.0.0.1");
    }

    List<Received> received() {
        return received;
    }

    /** Uploads the upstream was reading when their connection broke. */
    List<IOException> brokenUploads() {
        return brokenUploads;
    }

    /** The distinct connections (client ports) requests arrived on. */
    Set<Integer> connections() {
        return connections;
    }

    /** Body bytes read so far, over all requests. */
    long bodyBytesRead() {
        return bodyBytesRead.get();
    }

    /** Download bytes written so far, over all requests. */
    long bytesWritten() {
        return bytesWritten.get();
    }

    /** Lets {@code /held-upload} requests read their bodies. */
    void releaseUploads() {
        uploadGate.countDown();
    }

    @Override
    public void close() {
        uploadGate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        connections.add(exchange.getRemoteAddress().getPort());
        String path = exchange.getRequestURI().getRawPath();
        try (exchange) {
            if (path.endsWith("/download")) {
                download(exchange);
                return;
            }
            if (path.endsWith("/held-upload") && !uploadGate.await(60, TimeUnit.SECONDS)) {
                throw new IOException("uploads were never released");
            }
            echo(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void echo(HttpExchange exchange) throws IOException {
        CRC32 crc = new CRC32();
        long bytes = 0;
        try (InputStream body = exchange.getRequestBody()) {
            byte[] buffer = new byte[BLOCK];
            for (int read; (read = body.read(buffer)) >= 0; ) {
                crc.update(buffer, 0, read);
                bytes += read;
                bodyBytesRead.addAndGet(read);
            }
        } catch (IOException e) {
            brokenUploads.add(e);
            throw e;
        }
        String target = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        received.add(new Received(exchange.getRequestMethod(), target, Map.copyOf(exchange.getRequestHeaders()), bytes,
                crc.getValue(), exchange.getRemoteAddress().getPort()));
        byte[] answer = (exchange.getRequestMethod() + " " + target + " " + bytes).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.getResponseHeaders().add("Vary", "Accept-Encoding");
        exchange.getResponseHeaders().add("Connection", "X-Upstream-Hop");
        exchange.getResponseHeaders().add("X-Upstream-Hop", "1");
        exchange.getResponseHeaders().add("Keep-Alive", "timeout=30");
        exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=upstream");
        exchange.getResponseHeaders().add("Upgrade", "h2c");
        exchange.getResponseHeaders().add("X-Upstream", "kept");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
    }

    private void download(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        long size = Long.parseLong(exchange.getRequestURI().getRawQuery().replace("bytes=", ""));
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(BLOCK, left);
            body.write(PATTERN, 0, n);
            bytesWritten.addAndGet(n);
            left -= n;
        }
    }
}
