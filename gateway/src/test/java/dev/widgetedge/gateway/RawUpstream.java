package dev.widgetedge.gateway;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real upstream on a plain server socket that records every request byte for byte as it
 * arrived (head, body and chunked trailers), so a test sees exactly what the gateway forwarded,
 * with no HTTP library normalizing it first. Answers each request {@code 200} with its request
 * line as the body, keep-alive.
 */
final class RawUpstream implements AutoCloseable {

    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<String> received = new CopyOnWriteArrayList<>();

    private RawUpstream() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    static RawUpstream start() {
        try {
            return new RawUpstream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Every request received so far, as ISO-8859-1 text, in arrival order. */
    List<String> received() {
        return received;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                String head = readUntilBlankLine(in, request);
                if (head == null) {
                    return;
                }
                readBody(in, head, request);
                received.add(request.toString(StandardCharsets.ISO_8859_1));
                String body = head.substring(0, head.indexOf("\r\n"));
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException gatewayLeft) {
            // The gateway closed the connection; nothing more to record.
        }
    }

    private static void readBody(InputStream in, String head, ByteArrayOutputStream request) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
            for (long size = chunkSize(line(in, request)); size > 0; size = chunkSize(line(in, request))) {
                copy(in, size + 2, request);
            }
            readUntilBlankLine(in, request);
            return;
        }
        int at = lower.indexOf("\r\ncontent-length: ");
        if (at >= 0) {
            int end = lower.indexOf("\r\n", at + 2);
            copy(in, Long.parseLong(lower.substring(at + 18, end).trim()), request);
        }
    }

    private static long chunkSize(String line) {
        return Long.parseLong(line.split(";")[0].trim(), 16);
    }

    /** Reads lines up to an empty one; {@code null} at a clean end of stream before any byte. */
    private static String readUntilBlankLine(InputStream in, ByteArrayOutputStream request) throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            String line = lineOrNull(in, request);
            if (line == null) {
                if (text.isEmpty()) {
                    return null;
                }
                throw new EOFException("closed in the middle of a request head");
            }
            text.append(line).append("\r\n");
            if (line.isEmpty()) {
                return text.toString();
            }
        }
    }

    private static String line(InputStream in, ByteArrayOutputStream request) throws IOException {
        String line = lineOrNull(in, request);
        if (line == null) {
            throw new EOFException("closed in the middle of a request");
        }
        return line;
    }

    private static String lineOrNull(InputStream in, ByteArrayOutputStream request) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                return null;
            }
            request.write(b);
            if (b != '\r') {
                line.append((char) b);
            }
        }
        request.write('\n');
        return line.toString();
    }

    private static void copy(InputStream in, long size, ByteArrayOutputStream request) throws IOException {
        for (long i = 0; i < size; i++) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("closed in the middle of a body");
            }
            request.write(b);
        }
    }
}
