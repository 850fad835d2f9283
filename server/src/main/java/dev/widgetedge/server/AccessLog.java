package dev.widgetedge.server;

import io.netty.util.internal.PlatformDependent;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The access log: one line per answered request, on the logger {@value #LOGGER_NAME}, which is
 * off unless {@code --access-log} turns it on. Lines carry the method, the path without its query
 * (a widget key may travel in the query), the status and the time taken; never a key or a token.
 * {@code status} and {@code duration_ms} (milliseconds, to the microsecond) are numbers, so the
 * JSON format writes them as JSON numbers.
 *
 * <p>Asynchronous and never blocking: a server thread only puts the line's fields in a bounded
 * queue ({@link #CAPACITY} lines, lock-free); one writer thread of its own formats and writes
 * them. When the queue is full (the log cannot keep up with the traffic) a line is dropped and
 * counted ({@link #dropped()}, the {@code widget_access_log_dropped_total} metric) rather than
 * making a request wait for a disk or a pipe.
 */
public final class AccessLog {

    /** The logger's name; its level decides whether lines are written at all. */
    public static final String LOGGER_NAME = "widget_edge.access";
    /** Lines waiting to be written at most; more are dropped. */
    static final int CAPACITY = 16 * 1024;
    /** The longest the writer sleeps before looking at the queue again. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
    private static final AccessLog SHARED = new AccessLog(new Slf4jSink(), CAPACITY);

    /**
     * One request's line, as its server knew it when the response head left.
     *
     * @param client the client's address as text: the peer's ({@link #addressOf}), or the client
     *               address the gateway decided on behind trusted proxies
     */
    public record Line(String server, String method, String path, int status, long durationNanos,
            String client, String outcome, UUID keyId) {
    }

    /** A peer's address as the log shows it: the IP address alone, without the port. */
    public static String addressOf(SocketAddress peer) {
        return peer instanceof InetSocketAddress address && address.getAddress() != null
                ? address.getAddress().getHostAddress() : String.valueOf(peer);
    }

    /** Where lines go, on the writer thread. */
    public interface Sink {

        /** Whether lines are wanted at all; read on the request path, so it must be cheap. */
        boolean enabled();

        void write(Line line);
    }

    private final Sink sink;
    private final Queue<Line> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile Thread writer;
    /** Whether the writer holds a line it took from the queue and has not written yet. */
    private volatile boolean writing;

    private AccessLog(Sink sink, int capacity) {
        this.sink = sink;
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
    }

    /** The process's access log, written through {@value #LOGGER_NAME}. */
    public static AccessLog shared() {
        return SHARED;
    }

    /** An access log of its own, writing to {@code sink} with at most {@code capacity} lines waiting. */
    public static AccessLog writingTo(Sink sink, int capacity) {
        return new AccessLog(sink, capacity);
    }

    /** Whether lines are written; checked first so that a disabled log costs one test. */
    public boolean enabled() {
        return sink.enabled();
    }

    /** Queues {@code line} for the writer, or drops and counts it when the queue is full. Any thread; never blocks. */
    public void record(Line line) {
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
            return;
        }
        if (writer == null) {
            startWriter();
        }
    }

    /** Lines dropped so far because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Waits until every line queued so far is written, up to {@code timeout}; for shutdown, so that
     * the last requests' lines are not lost with the process.
     *
     * @return whether everything was written in time
     */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!queue.isEmpty() || writing) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread current = writer;
            if (current != null) {
                LockSupport.unpark(current);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    private synchronized void startWriter() {
        if (writer != null) {
            return;
        }
        Thread thread = new Thread(this::writeLines, "access-log");
        thread.setDaemon(true);
        writer = thread;
        thread.start();
    }

    /**
     * The writer thread's loop. When the queue is empty it sleeps a bounded while instead of being
     * woken per line: a wake-up would cost the request thread a system call.
     */
    private void writeLines() {
        while (true) {
            writing = true;
            Line line = queue.poll();
            if (line == null) {
                writing = false;
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                continue;
            }
            try {
                sink.write(line);
            } catch (RuntimeException e) {
                // A failing appender must not stop the log; logback reports its own errors.
            }
        }
    }

    /** Writes lines as SLF4J events with key-value pairs, which the configured layout renders. */
    private static final class Slf4jSink implements Sink {

        @Override
        public boolean enabled() {
            return LOG.isInfoEnabled();
        }

        @Override
        public void write(Line line) {
            LoggingEventBuilder event = LOG.atInfo()
                    .setMessage("request")
                    .addKeyValue("server", line.server())
                    .addKeyValue("method", line.method())
                    .addKeyValue("path", line.path())
                    .addKeyValue("status", line.status())
                    .addKeyValue("duration_ms", BigDecimal.valueOf(line.durationNanos() / 1_000, 3))
                    .addKeyValue("client", line.client());
            if (line.outcome() != null) {
                event = event.addKeyValue("outcome", line.outcome());
            }
            if (line.keyId() != null) {
                event = event.addKeyValue("key_id", line.keyId());
            }
            event.log();
        }
    }
}
