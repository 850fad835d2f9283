package dev.widgetedge.gateway.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A blocking HTTP/1.1 client on a plain socket: it sends exactly the bytes a test writes (hop-by-hop
 * headers, pipelined requests, half a body) and reads responses one by one. No Netty, so it does
 * not touch the pooled allocator the streaming tests measure.
 */
public final class RawClient implements AutoCloseable {

    /**
     * One response; {@code body} is {@code null} when it was only counted.
     *
     * @param bodyLength the body's size in bytes
     * @param bodyCrc    the CRC32 of the body
     */
    public record Response(int status, Map<String, List<String>> headers, byte[] body, long bodyLength, long bodyCrc) {

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(", ", values);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    public static RawClient connect(int port) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code text} as ISO-8859-1 bytes, as HTTP heads are. */
    public RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads the next response, keeping its body. */
    public Response read() throws IOException {
        return read(true);
    }

    /** Reads the next response, only counting its body (for bodies too large to keep). */
    public Response readCounting() throws IOException {
        return read(false);
    }

    /** Reads until the server closes the connection; fails if anything else arrives first. */
    public boolean closedByServer() throws IOException {
        return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private Response read(boolean keep) throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            headers.computeIfAbsent(header.substring(0, colon).trim(), name -> new ArrayList<>())
                    .add(header.substring(colon + 1).trim());
        }
        Body body = new Body(keep);
        List<String> length = headers.get("Content-Length");
        List<String> encoding = headers.get("Transfer-Encoding");
        if (encoding != null && encoding.contains("chunked")) {
            for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                    size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                body.copy(in, size);
                line();
            }
            skipTrailerFields();
        } else if (length != null) {
            body.copy(in, Long.parseLong(length.get(0)));
        } else if (status != 204 && status != 304) {
            body.copy(in, Long.MAX_VALUE);
        }
        return new Response(status, headers, body.bytes(), body.length, body.crc.getValue());
    }

    private void skipTrailerFields() throws IOException {
        String field;
        do {
            field = line();
        } while (!field.isEmpty());
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection closed in the middle of a response");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** A body being read: counted and checksummed, and kept if asked. */
    private static final class Body {

        private final ByteArrayOutputStream kept;
        private final CRC32 crc = new CRC32();
        private final byte[] buffer = new byte[64 * 1024];
        private long length;

        Body(boolean keep) {
            this.kept = keep ? new ByteArrayOutputStream() : null;
        }

        /** Copies {@code size} bytes, or up to the end of the stream for {@link Long#MAX_VALUE}. */
        void copy(InputStream in, long size) throws IOException {
            long left = size;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    if (size == Long.MAX_VALUE) {
                        return;
                    }
                    throw new EOFException("connection closed after " + (size - left) + " of " + size + " bytes");
                }
                crc.update(buffer, 0, read);
                if (kept != null) {
                    kept.write(buffer, 0, read);
                }
                length += read;
                left -= read;
            }
        }

        byte[] bytes() {
            return kept == null ? null : kept.toByteArray();
        }
    }
}
