package dev.widgetedge.app;

import static dev.widgetedge.app.PackagedJar.portAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.widgetedge.app.PackagedJar.Running;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that reset their connections (RST, "connection reset by peer") cost no log line, on any
 * port of the packaged executable: the gateway without and with an upstream, the admin API and the
 * ops port. Each reset is counted in a metric instead. Every client resets while the server waits
 * for it (half a head, half a body, or a proxied answer still on its way), so the server notices
 * each reset as a read error, whatever the timing.
 */
class ConnectionResetsIT {

    private static final int RESETS = 20;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final PackagedJar jar = new PackagedJar();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final CountDownLatch upstreamAnswers = new CountDownLatch(1);
    private HttpServer upstream;

    @AfterEach
    void stop() {
        jar.close();
        upstreamAnswers.countDown();
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    /** Opens a connection, sends {@code bytes}, then closes it with a reset (SO_LINGER 0). */
    private static void sendAndReset(int port, String bytes) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private double counter(int opsPort, String name) throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher value = Pattern.compile("(?m)^" + name + " ([0-9.E+-]+)$").matcher(metrics);
        assertThat(value.find()).as(name + " on /metrics").isTrue();
        return Double.parseDouble(value.group(1));
    }

    /**
     * Resets {@link #RESETS} connections to {@code port} after sending {@code bytes}, and checks
     * that {@code metric} rose by exactly that much on the ops port while nothing was logged.
     */
    private void resetsAreCountedNotLogged(Running dev, int port, String bytes, String metric) throws Exception {
        int opsPort = portAfter(dev.lineContaining("ops          http://127.0.0.1:"), "127.0.0.1:");
        double before = counter(opsPort, metric);
        List<String> logBefore = dev.output();

        for (int i = 0; i < RESETS; i++) {
            sendAndReset(port, bytes);
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(counter(opsPort, metric)).isEqualTo(before + RESETS));
        assertThat(dev.output()).as("what the process wrote while %d clients reset their connections", RESETS)
                .isEqualTo(logBefore);
    }

    private Running dev(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("dev", "--port", "0", "--admin-port", "0",
                "--ops-port", "0", "--admin-token", "test-token-0123456789"));
        args.addAll(List.of(extra));
        try {
            Running dev = jar.start(args.toArray(String[]::new));
            dev.lineContaining("Stop with");
            return dev;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String demoKey(Running dev) {
        return dev.lineContaining("demo key     pk_live_").replaceAll(".*demo key +(pk_live_[0-9A-Za-z]+) .*", "$1");
    }

    @Test
    void withoutAnUpstream_resetsOnEveryPort_areCounted_andNothingIsLogged() throws Exception {
        Running dev = dev();
        int gatewayPort = portAfter(dev.lineContaining("gateway      http://127.0.0.1:"), "127.0.0.1:");
        int adminPort = portAfter(dev.lineContaining("admin API    http://127.0.0.1:"), "127.0.0.1:");
        int opsPort = portAfter(dev.lineContaining("ops          http://127.0.0.1:"), "127.0.0.1:");

        resetsAreCountedNotLogged(dev, gatewayPort, "GET /v1/widget/bootstrap HTTP/1.1\r\nHost: a\r\n",
                "widget_gateway_connection_resets_total");
        resetsAreCountedNotLogged(dev, adminPort, "POST /api/v1/widget-keys HTTP/1.1\r\nHost: a\r\n"
                + "Content-Length: 100\r\n\r\n{", "widget_admin_connection_resets_total");
        resetsAreCountedNotLogged(dev, opsPort, "GET /metr", "widget_ops_connection_resets_total");
    }

    @Test
    void withAnUpstream_resetsDuringAProxiedRequest_areCounted_andNothingIsLogged() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                upstreamAnswers.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                exchange.sendResponseHeaders(200, 2);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write("ok".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        upstream.start();
        Running dev = dev("--upstream", "http://127.0.0.1:" + upstream.getAddress().getPort());
        int gatewayPort = portAfter(dev.lineContaining("gateway      http://127.0.0.1:"), "127.0.0.1:");
        String key = demoKey(dev);

        resetsAreCountedNotLogged(dev, gatewayPort, "POST /v1/widget/x?key=" + key + " HTTP/1.1\r\nHost: a\r\n"
                + "Origin: http://localhost:8000\r\nContent-Length: 10\r\n\r\nhalf", "widget_gateway_connection_resets_total");
        resetsAreCountedNotLogged(dev, gatewayPort, "GET /v1/widget/x?key=" + key + " HTTP/1.1\r\nHost: a\r\n"
                + "Origin: http://localhost:8000\r\n\r\n", "widget_gateway_connection_resets_total");
    }
}
