package dev.widgetedge.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An open-loop HTTP/1.1 load generator that corrects for coordinated omission, in the manner of
 * wrk2: requests are due at a fixed total rate, spread evenly over keep-alive connections; each
 * request's latency is measured from the moment it was <em>due</em>, not from the moment it could
 * be sent. So when the server stalls, the requests that queue behind the stall count with the time
 * they waited, instead of being sent late and timed as if nothing happened (what a closed-loop tool
 * such as wrk reports).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.widgetedge.benchmarks.load.OpenLoopLoad \
 *     --url 'http://127.0.0.1:8080/v1/widget/bootstrap?key=...' --header 'Origin: https://acme.com' \
 *     --rate 60000 --connections 64 --threads 2 --duration 20s --warmup 5s
 * }</pre>
 *
 * <p>Each connection has one request in flight at most (no pipelining) and a schedule of
 * {@code rate / connections} requests per second, the connections' schedules staggered across one
 * interval. A request whose time comes while its connection still waits for the previous answer
 * goes out as soon as that answer arrives (counted as late). Latencies are recorded in an
 * HdrHistogram (1 µs to 60 s, 3 significant digits), only for requests due after the warm-up. The
 * answer is a {@code RESULT {json}} line with the same fields as the harness's wrk runs
 * ({@code rps}, {@code p50_us} ... {@code p999_us}, {@code lat_max_us}, errors), plus
 * {@code offered_rps}, {@code late_sends} and {@code max_send_lag_us}. Responses must be
 * {@code Content-Length}-delimited (every system the harness drives answers so); a status above
 * 399 is counted in {@code status_4xx_5xx}.
 */
public final class OpenLoopLoad {

    private static final long LOWEST_US = 1;
    private static final long HIGHEST_US = TimeUnit.SECONDS.toMicros(60);

    private final byte[] request;
    private final long intervalNanos;
    private final long warmupNanos;
    private final long durationNanos;
    private final List<Connection> connections = new ArrayList<>();
    /** Set once every connection is open, before any schedule starts. */
    private volatile long startNanos;
    private volatile long measureFromNanos;
    private volatile long endNanos;

    private OpenLoopLoad(byte[] request, double rate, int connectionCount, long warmupNanos, long durationNanos) {
        this.request = request;
        this.intervalNanos = (long) (connectionCount * 1e9 / rate);
        this.warmupNanos = warmupNanos;
        this.durationNanos = durationNanos;
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        List<String> headers = new ArrayList<>();
        double rate = 0;
        int connectionCount = 64;
        int threads = 2;
        long durationNanos = TimeUnit.SECONDS.toNanos(20);
        long warmupNanos = TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : usage("missing the value of " + args[i]);
            switch (args[i]) {
                case "--url" -> url = value;
                case "--header" -> headers.add(value);
                case "--rate" -> rate = Double.parseDouble(value);
                case "--connections" -> connectionCount = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--duration" -> durationNanos = nanos(value);
                case "--warmup" -> warmupNanos = nanos(value);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (url == null || rate <= 0 || connectionCount < 1 || threads < 1) {
            usage("--url and a positive --rate are required");
        }
        URI uri = URI.create(url);
        StringBuilder head = new StringBuilder("GET ").append(uri.getRawPath())
                .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        headers.forEach(header -> head.append(header).append("\r\n"));
        byte[] request = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);

        OpenLoopLoad load = new OpenLoopLoad(request, rate, connectionCount, warmupNanos, durationNanos);
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("load", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            load.run(group, epoll, uri.getHost(), uri.getPort(), connectionCount, rate);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private void run(EventLoopGroup group, boolean epoll, String host, int port, int connectionCount, double rate)
            throws InterruptedException {
        CountDownLatch open = new CountDownLatch(connectionCount);
        CountDownLatch done = new CountDownLatch(connectionCount);
        Bootstrap bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
        for (int i = 0; i < connectionCount; i++) {
            Connection connection = new Connection(i, open, done);
            connections.add(connection);
            bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    channel.pipeline().addLast(connection);
                }
            }).connect(host, port).addListener(connected -> {
                if (!connected.isSuccess()) {
                    connection.failed();
                }
            });
        }
        // The schedules start once every connection is open, so that none begins behind.
        open.await(30, TimeUnit.SECONDS);
        startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        measureFromNanos = startNanos + warmupNanos;
        endNanos = measureFromNanos + durationNanos;
        connections.forEach(Connection::start);
        long waitMillis = TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()) + 10_000;
        done.await(waitMillis, TimeUnit.MILLISECONDS);
        report(rate);
    }

    private void report(double rate) {
        Histogram total = new Histogram(LOWEST_US, HIGHEST_US, 3);
        long late = 0;
        long maxLag = 0;
        long errors = 0;
        long connectErrors = 0;
        long statusErrors = 0;
        for (Connection connection : connections) {
            synchronized (connection) {
                total.add(connection.latencies);
                late += connection.lateSends;
                maxLag = Math.max(maxLag, connection.maxLagNanos);
                errors += connection.readErrors;
                connectErrors += connection.connectErrors;
                statusErrors += connection.statusErrors;
            }
        }
        double seconds = (endNanos - measureFromNanos) / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "RESULT {\"requests\":%d,\"duration_s\":%.3f,\"rps\":%.1f,\"offered_rps\":%.1f,\"p50_us\":%d,"
                        + "\"p90_us\":%d,\"p99_us\":%d,\"p999_us\":%d,\"lat_max_us\":%d,\"lat_mean_us\":%.1f,"
                        + "\"late_sends\":%d,\"max_send_lag_us\":%d,\"err_connect\":%d,\"err_read\":%d,"
                        + "\"err_write\":0,\"err_timeout\":0,\"status_4xx_5xx\":%d}",
                total.getTotalCount(), seconds, total.getTotalCount() / seconds, rate,
                total.getValueAtPercentile(50), total.getValueAtPercentile(90), total.getValueAtPercentile(99),
                total.getValueAtPercentile(99.9), total.getMaxValue(), total.getMean(), late,
                TimeUnit.NANOSECONDS.toMicros(maxLag), connectErrors, errors, statusErrors));
    }

    /** One keep-alive connection with its own schedule; confined to its event loop. */
    private final class Connection extends ChannelInboundHandlerAdapter {

        private final int index;
        private final CountDownLatch open;
        private final CountDownLatch done;
        private final Histogram latencies = new Histogram(LOWEST_US, HIGHEST_US, 3);
        private final ResponseReader reader = new ResponseReader();
        private ChannelHandlerContext ctx;
        private long nextDue;
        /** When the request in flight was due; 0 when none is in flight. */
        private long inFlightDue;
        private long lateSends;
        private long maxLagNanos;
        private long readErrors;
        private long connectErrors;
        private long statusErrors;
        private boolean finished;

        Connection(int index, CountDownLatch open, CountDownLatch done) {
            this.index = index;
            this.open = open;
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext context) {
            ctx = context;
            open.countDown();
        }

        /**
         * Starts the schedule, staggered across one interval by the connection's index: together,
         * the connections send a request every {@code 1 / rate}.
         */
        void start() {
            if (ctx == null) {
                return;
            }
            ctx.channel().eventLoop().execute(() -> {
                nextDue = startNanos + index * intervalNanos / connections.size();
                scheduleNext();
            });
        }

        /** Sends the next request when it is due, or ends once the run is over. */
        private void scheduleNext() {
            if (nextDue >= endNanos) {
                finish();
                return;
            }
            long wait = nextDue - System.nanoTime();
            if (wait <= 0) {
                send();
            } else {
                EventLoop loop = ctx.channel().eventLoop();
                loop.schedule(this::send, wait, TimeUnit.NANOSECONDS);
            }
        }

        private void send() {
            if (finished) {
                return;
            }
            long now = System.nanoTime();
            long lag = now - nextDue;
            if (lag > TimeUnit.MILLISECONDS.toNanos(1)) {
                lateSends++;
                maxLagNanos = Math.max(maxLagNanos, lag);
            }
            inFlightDue = nextDue;
            nextDue += intervalNanos;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                while (reader.feed(bytes)) {
                    answered(reader.status());
                }
            } catch (IllegalStateException unreadable) {
                readErrors++;
                context.close();
            } finally {
                bytes.release();
            }
        }

        private void answered(int status) {
            long now = System.nanoTime();
            synchronized (this) {
                if (inFlightDue >= measureFromNanos && inFlightDue < endNanos) {
                    latencies.recordValue(Math.min(HIGHEST_US, Math.max(LOWEST_US,
                            TimeUnit.NANOSECONDS.toMicros(now - inFlightDue))));
                    if (status > 399) {
                        statusErrors++;
                    }
                }
            }
            inFlightDue = 0;
            scheduleNext();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (!finished) {
                synchronized (this) {
                    readErrors++;
                }
                finish();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }

        void failed() {
            synchronized (this) {
                connectErrors++;
            }
            open.countDown();
            finish();
        }

        private void finish() {
            if (!finished) {
                finished = true;
                if (ctx != null) {
                    ctx.close();
                }
                done.countDown();
            }
        }
    }

    /**
     * Finds where each response ends in the bytes of a connection: the head up to its blank line,
     * then {@code Content-Length} bytes of body. Keeps only the head's bytes across reads.
     */
    private static final class ResponseReader {

        private final StringBuilder head = new StringBuilder();
        private long bodyLeft = -1;
        private int status;

        /** Consumes bytes from {@code in}; true when a whole response has been read (call again for more). */
        boolean feed(ByteBuf in) {
            while (in.isReadable()) {
                if (bodyLeft >= 0) {
                    int skip = (int) Math.min(bodyLeft, in.readableBytes());
                    in.skipBytes(skip);
                    bodyLeft -= skip;
                    if (bodyLeft == 0) {
                        bodyLeft = -1;
                        return true;
                    }
                    continue;
                }
                head.append((char) in.readByte());
                int length = head.length();
                if (length >= 4 && head.charAt(length - 1) == '\n' && head.charAt(length - 2) == '\r'
                        && head.charAt(length - 3) == '\n' && head.charAt(length - 4) == '\r') {
                    headDone();
                    if (bodyLeft == 0) {
                        bodyLeft = -1;
                        return true;
                    }
                }
            }
            return false;
        }

        private void headDone() {
            String text = head.toString();
            head.setLength(0);
            if (!text.startsWith("HTTP/1.")) {
                throw new IllegalStateException("not an HTTP response: " + ByteBufUtil.hexDump(text.getBytes(
                        StandardCharsets.ISO_8859_1)));
            }
            status = Integer.parseInt(text.substring(9, 12));
            int at = text.toLowerCase(Locale.ROOT).indexOf("\r\ncontent-length:");
            if (at < 0) {
                throw new IllegalStateException("a response without Content-Length");
            }
            int end = text.indexOf("\r\n", at + 2);
            bodyLeft = Long.parseLong(text.substring(at + 17, end).trim());
        }

        int status() {
            return status;
        }
    }

    private static long nanos(String duration) {
        String value = duration.trim();
        if (value.endsWith("ms")) {
            return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.endsWith("s")) {
            return TimeUnit.SECONDS.toNanos(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        if (value.endsWith("m")) {
            return TimeUnit.MINUTES.toNanos(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        return TimeUnit.SECONDS.toNanos(Long.parseLong(value));
    }

    private static String usage(String problem) {
        System.err.println("OpenLoopLoad: " + problem);
        System.err.println("usage: OpenLoopLoad --url URL [--header 'Name: value']... --rate REQUESTS_PER_S "
                + "[--connections 64] [--threads 2] [--duration 20s] [--warmup 5s]");
        System.exit(2);
        return null;
    }
}
