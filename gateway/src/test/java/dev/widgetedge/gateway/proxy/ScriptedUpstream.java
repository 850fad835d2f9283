package dev.widgetedge.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a plain server socket that misbehaves on purpose: each connection it accepts runs
 * a script (answer nothing, cut a response short, close at once...). Counts the connections it
 * accepted and the ones the gateway closed.
 */
final class ScriptedUpstream implements AutoCloseable {

    /** What the upstream does with one accepted connection. */
    interface Script {
        void run(Socket socket) throws IOException;
    }

    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByGateway = new AtomicInteger();


    private ScriptedUpstream(Script script) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    accepted.incrementAndGet();
                    threads.execute(() -> serve(script, socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    static ScriptedUpstream start(Script script) {
        try {
            return new ScriptedUpstream(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a request head and then whatever follows until the gateway closes the connection. */
    static Script silent() {
        return socket -> {
            readHead(socket.getInputStream());
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        };
    }

    /** Reads a request head and writes {@code response} (ISO-8859-1), then closes. */
    static Script answers(String response) {
        return socket -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.close();
        };
    }

    /**
     * Answers the first request of the connection ({@code 200 ok}, keep-alive), then reads the next
     * request's head and closes without a byte of answer: the race of an upstream whose keep-alive
     * ran out just as the gateway reused the connection.
     */
    static Script answersOnceThenClosesOnTheNext() {
        return socket -> {
            readHead(socket.getInputStream());
            writeOk(socket);
            readHead(socket.getInputStream());
            socket.close();
        };
    }

    /**
     * Answers the first request {@code 200 ok}, keep-alive, then, once {@code idle} is counted down
     * (the gateway holds the connection idle), sends a response nobody asked for.
     */
    static Script answersOnceThenSendsUnaskedWhen(CountDownLatch idle) {
        return socket -> {
            readHead(socket.getInputStream());
            writeOk(socket);
            try {
                idle.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            writeOk(socket);
        };
    }

    /** Answers every request {@code 200 ok}, keep-alive, once {@code release} is counted down; until the gateway closes. */
    static Script answersWhenReleased(CountDownLatch release) {
        return socket -> {
            while (true) {
                readHead(socket.getInputStream());
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                writeOk(socket);
            }
        };
    }

    private static void writeOk(Socket socket) throws IOException {
        socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    int accepted() {
        return accepted.get();
    }

    /** Connections on which the gateway closed its side (the script read to the end). */
    int closedByGateway() {
        return closedByGateway.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }

    private void serve(Script script, Socket socket) {
        try (socket) {
            script.run(socket);
            if (!socket.isClosed() && socket.getInputStream().read() == -1) {
                closedByGateway.incrementAndGet();
            }
        } catch (IOException e) {
            // The gateway reset the connection: closed all the same.
            closedByGateway.incrementAndGet();
        }
    }

    /** Reads up to and including the blank line that ends a request head. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed before a request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
