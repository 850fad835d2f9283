package dev.widgetedge.benchmarks.load;

import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.InFlightRequests;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The framework's limit: a Netty HTTP/1.1 server on the gateway's own transport set-up
 * ({@link EventLoops#create()}: epoll when available, one I/O thread per core; bound through
 * {@link HttpServer#bind}, so the same pooled allocator, {@code TCP_NODELAY} and backlog) with
 * {@code HttpServerCodec} and {@code HttpServerKeepAliveHandler}, and one handler that answers
 * every request, whatever its path, method or key, with the same {@code 200} bootstrap JSON and
 * the headers widget-edge sends on an allowed bootstrap: {@code Content-Type: application/json},
 * {@code Content-Length}, {@code Access-Control-Allow-Origin} echoing the request's
 * {@code Origin}, {@code Vary: Origin}, {@code Cache-Control: no-store}. No routing, no key, no
 * decision, no metrics: what is left of the gateway's work is HTTP decoding and encoding.
 * Responses are written per request and flushed once per read batch.
 *
 * <p>The load harness also uses it as the upstream stand-in for proxied requests.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.widgetedge.benchmarks.load.BareNettyServer 18090 [host]
 * }</pre>
 * Prints {@code listening on host:port (transport)} once bound; stops on SIGTERM/SIGINT.
 */
public final class BareNettyServer {

    /** The body of an allowed bootstrap, with the shape and length of widget-edge's. */
    static final byte[] BODY = ("{\"key_id\":\"0190c2a8-5b7e-8f3a-9d41-6e2b7c1f0a35\",\"account_id\":\"acct_bench\","
            + "\"agent_id\":\"agent_1\"}").getBytes(StandardCharsets.UTF_8);

    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final AsciiString ORIGIN = AsciiString.cached("Origin");
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");
    private static final AsciiString BODY_LENGTH = AsciiString.cached(Integer.toString(BODY.length));

    private BareNettyServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: BareNettyServer PORT [HOST]   (default host 127.0.0.1)");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        EventLoops loops = EventLoops.create();
        HttpServer server = HttpServer.bind("bare netty", loops, host, port, new InFlightRequests(), initializer());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loops.close();
            stopped.countDown();
        }, "stop"));
        System.out.println("listening on " + host + ":" + server.port() + " (" + loops.transportName() + ")");
        System.out.flush();
        stopped.await();
    }

    /**
     * The server's whole pipeline: HTTP codec, keep-alive, the fixed answer. Also the baseline of
     * {@code PipelineBenchmark}.
     */
    public static ChannelInitializer<Channel> initializer() {
        FixedBootstrapHandler handler = new FixedBootstrapHandler();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline()
                        .addLast("http", new HttpServerCodec())
                        .addLast("keep-alive", new HttpServerKeepAliveHandler())
                        .addLast("answer", handler);
            }
        };
    }

    /** Answers every request head with the fixed bootstrap; drops request bodies. */
    @Sharable
    static final class FixedBootstrapHandler extends ChannelInboundHandlerAdapter {

        /** Shared read-only body: each response sends a retained slice of it, nothing is copied. */
        private final ByteBuf body = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(BODY.length).writeBytes(BODY).asReadOnly());

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                String origin = request.headers().get(HttpHeaderNames.ORIGIN);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        body.duplicate());
                HttpHeaders headers = response.headers();
                headers.set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
                        .set(HttpHeaderNames.CONTENT_LENGTH, BODY_LENGTH);
                if (origin != null) {
                    headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                }
                headers.set(HttpHeaderNames.VARY, ORIGIN)
                        .set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
                ctx.write(response);
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
