package dev.widgetedge.app;

import static dev.widgetedge.app.PackagedJar.portAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.widgetedge.app.PackagedJar.Running;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real HAProxy (the system's {@code haproxy}) in front of the packaged gateway, once sending the
 * PROXY protocol (v2) and once {@code option forwardfor}. The client connects from 127.0.0.2 and
 * HAProxy from 127.0.0.1, so the address the gateway decides on is visibly not its TCP peer: the
 * upstream's {@code X-Forwarded-For} and the access log must both show 127.0.0.2, and an address
 * the client writes into its own {@code X-Forwarded-For} must change nothing.
 */
class HaproxyInFrontIT {

    private static final String CLIENT = "127.0.0.2";
    private static final String ORIGIN = "http://localhost:8000";

    private final PackagedJar jar = new PackagedJar();
    private final BlockingQueue<String> forwardedFor = new LinkedBlockingQueue<>();
    private HttpServer upstream;
    private Process haproxy;
    private Path haproxyDir;

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        upstream.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                forwardedFor.add(String.join(" | ", exchange.getRequestHeaders().getOrDefault("X-Forwarded-For",
                        List.of("(none)"))));
                exchange.sendResponseHeaders(200, 2);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write("ok".getBytes(StandardCharsets.US_ASCII));
                }
            }
        });
        upstream.start();
    }

    @AfterEach
    void stop() throws IOException {
        if (haproxy != null) {
            haproxy.destroyForcibly();
        }
        jar.close();
        upstream.stop(0);
        if (haproxyDir != null) {
            try (var files = Files.list(haproxyDir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(haproxyDir);
        }
    }

    private Running gateway(String... options) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("dev", "--port", "0", "--admin-port", "0",
                "--ops-port", "0", "--admin-token", "test-token-0123456789", "--access-log", "--log-format", "json",
                "--upstream", "http://127.0.0.1:" + upstream.getAddress().getPort()));
        args.addAll(List.of(options));
        Running dev = jar.start(args.toArray(String[]::new));
        dev.lineContaining("Stop with");
        return dev;
    }

    private static int gatewayPort(Running dev) {
        return portAfter(dev.lineContaining("gateway      http://127.0.0.1:"), "127.0.0.1:");
    }

    private static String demoKey(Running dev) {
        return dev.lineContaining("demo key     pk_live_").replaceAll(".*demo key +(pk_live_[0-9A-Za-z]+) .*", "$1");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts HAProxy on a free port in front of {@code gatewayPort}, its server line ending in {@code serverOptions}. */
    private int haproxy(int gatewayPort, String backendOptions, String serverOptions) throws IOException {
        int port = freePort();
        haproxyDir = Files.createTempDirectory("haproxy-");
        Path config = haproxyDir.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                    maxconn 64
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend edge
                    bind 127.0.0.1:%d
                    default_backend gateways
                backend gateways
                    %s
                    server gateway 127.0.0.1:%d %s
                """.formatted(port, backendOptions, gatewayPort, serverOptions));
        haproxy = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(haproxyDir.resolve("haproxy.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return probe.isConnected();
            }
        });
        return port;
    }

    /** A request from {@link #CLIENT} to {@code port}; the response's status line. */
    private static String requestFromClient(int port, String key, String extraHeaders) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(CLIENT, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET /v1/widget/config?key=" + key + " HTTP/1.1\r\nHost: edge.test\r\n"
                    + "Origin: " + ORIGIN + "\r\n" + extraHeaders + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return response.lines().findFirst().orElse("");
        }
    }

    private String nextForwardedFor() throws InterruptedException {
        String value = forwardedFor.poll(20, TimeUnit.SECONDS);
        assertThat(value).as("the upstream received the request").isNotNull();
        return value;
    }

    private static void accessLogShowsTheClient(Running dev) {
        String line = dev.lineContaining("\"path\":\"/v1/widget/config\"");
        assertThat(line).contains("\"status\":200").contains("\"client\":\"" + CLIENT + "\"");
    }

    @Test
    void proxyProtocolV2_theHeadersSourceIsTheClient_forTheUpstreamAndTheAccessLog() throws Exception {
        Running dev = gateway("--proxy-protocol", "v2", "--trusted-proxies", "none");
        int port = haproxy(gatewayPort(dev), "", "send-proxy-v2");

        assertThat(requestFromClient(port, demoKey(dev), "X-Forwarded-For: 203.0.113.66\r\n")).contains(" 200 ");

        assertThat(nextForwardedFor()).as("the client's own X-Forwarded-For is not believed").isEqualTo(CLIENT);
        accessLogShowsTheClient(dev);
    }

    @Test
    void proxyProtocolRequired_aConnectionWithoutTheHeader_isClosedWithoutAResponse() throws Exception {
        Running dev = gateway("--proxy-protocol", "v2");
        try (Socket direct = new Socket("127.0.0.1", gatewayPort(dev))) {
            direct.setSoTimeout(20_000);
            direct.getOutputStream().write(("GET /v1/widget/config?key=" + demoKey(dev) + " HTTP/1.1\r\n"
                    + "Host: edge.test\r\nOrigin: " + ORIGIN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = direct.getInputStream();
            assertThat(in.read()).as("closed, not a byte answered").isEqualTo(-1);
        }
        assertThat(forwardedFor).as("nothing reached the upstream").isEmpty();
    }

    @Test
    void optionForwardfor_theTrustedProxysEntryIsTheClient_andASpoofedOneIsNot() throws Exception {
        Running dev = gateway("--trusted-proxies", "127.0.0.1/32");
        int port = haproxy(gatewayPort(dev), "option forwardfor", "");

        assertThat(requestFromClient(port, demoKey(dev), "X-Forwarded-For: 203.0.113.66\r\n")).contains(" 200 ");

        assertThat(nextForwardedFor())
                .as("the client, vouched for by HAProxy, then HAProxy; never what the client wrote itself")
                .isEqualTo(CLIENT + ", 127.0.0.1");
        accessLogShowsTheClient(dev);
    }
}
