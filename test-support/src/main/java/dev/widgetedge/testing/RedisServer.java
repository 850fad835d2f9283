package dev.widgetedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process on a free loopback port, for integration tests.
 *
 * <p>The server keeps its port across {@link #stop()} and {@link #start()}, so a test can take
 * the store away and bring it back while clients keep the same URI. Every instance starts empty;
 * only a durable one keeps its data across a restart.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path workDir;
    private final int port;
    private final boolean durable;
    private Process process;

    private RedisServer(Path workDir, int port, boolean durable) {
        this.workDir = workDir;
        this.port = port;
        this.durable = durable;
    }

    /** Starts a new, empty, memory-only server on a free port and waits until it answers. */
    public static RedisServer startNew() {
        return startNew(false);
    }

    /**
     * Starts a new server; a {@code durable} one writes every command to an append-only file
     * ({@code appendfsync always}), so data survives {@link #stop()} and {@link #start()} the way
     * it would survive a crash of a production Redis with AOF.
     */
    public static RedisServer startNew(boolean durable) {
        try {
            RedisServer server = new RedisServer(Files.createTempDirectory("redis-it-"), freePort(), durable);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port the server listens on, the same across restarts. */
    public int port() {
        return port;
    }

    /** A Lettuce-style URI for this server, e.g. {@code redis://127.0.0.1:6390}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process (again) on the same port; returns once it answers {@code PING}. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = List.of("redis-server",
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", durable ? "yes" : "no",
                "--appendfsync", "always",
                "--dir", workDir.toString(),
                "--logfile", workDir.resolve("redis.log").toString());
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("redis.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start redis-server (is it installed? apt-get install redis-server)", e);
        }
        awaitPong();
    }

    /** Kills the process (like a crash: no shutdown save) and waits until it has exited. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitPong() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start with code "
                        + process.exitValue() + "; see " + workDir);
            }
            if (answersPing()) {
                return;
            }
            try {
                // A process start has no event to wait on; poll the port briefly.
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("redis-server did not answer PING within " + START_TIMEOUT);
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
