package dev.widgetedge.gateway.proxy;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.GatewayMetrics;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.gateway.pipeline.Exchange;
import dev.widgetedge.server.LingeringClose;
import dev.widgetedge.server.ReadPauses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: forwards each allowed request to the upstream and its
 * response back (docs/gateway.md, "Proxying"), one {@link ProxyExchange} at a time.
 *
 * <p>It receives a request head (its {@link Exchange} already holding the allowed decision), then
 * the body parts up to a {@link LastHttpContent}. While a request body is being forwarded, the
 * client is read only as fast as the upstream takes it. A pipelined request that arrives before
 * the previous response is written is held, with reading paused, and started once that response
 * is out. A body declared larger than the limit is answered {@code 413} without contacting the
 * upstream.
 *
 * <p>One instance per client connection (not sharable); confined to its event loop.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

    private final UpstreamClient upstream;
    private final GatewayMetrics metrics;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ProxyExchange current;
    private String clientIp;

    public ProxyHandler(UpstreamClient upstream, GatewayMetrics metrics) {
        this.upstream = upstream;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        Object part = msg instanceof HttpRequest request ? new Head(request, Exchange.of(context.channel())) : msg;
        if (!held.isEmpty() || (part instanceof Head && current != null)) {
            held.add(part);
            updateReading();
            return;
        }
        dispatch(part);
        updateReading();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (current != null) {
            current.requestReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        abandon();
        super.channelInactive(context);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        abandon();
    }

    private void dispatch(Object msg) {
        if (msg instanceof Head head) {
            start(head.request(), head.exchange());
        } else if (current != null && !current.requestRead() && msg instanceof HttpContent part) {
            current.requestPart(part);
        } else {
            // The rest of a request already answered (413), or nothing this handler knows.
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(HttpRequest request, Exchange exchange) {
        Decision.Allowed allowed = exchange == null ? null : exchange.allowed();
        if (allowed == null) {
            // Never forward a request without an identity: it would reach the upstream unchecked.
            LOG.error("a request reached the proxy without an allowed decision; closing {}", ctx.channel());
            ReferenceCountUtil.release(request);
            ctx.close();
            return;
        }
        if (HttpUtil.getContentLength(request, -1L) > upstream.maxBodyBytes()) {
            ReferenceCountUtil.release(request);
            exchange.outcome(RequestOutcome.TOO_LARGE);
            LingeringClose.send(ctx, ProxyResponses.tooLarge(ctx.alloc()));
            return;
        }
        HttpVersion clientVersion = request.protocolVersion();
        HttpRequest head = request;
        LastHttpContent body = null;
        if (request instanceof FullHttpRequest full) {
            head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            HttpUtil.setContentLength(head, full.content().readableBytes());
            body = new DefaultLastHttpContent(full.content());
        }
        ProxyHeaders.prepareRequest(head, exchange.target(), allowed, clientIp(), upstream.authority());
        current = new ProxyExchange(ctx, upstream, metrics, exchange, head, clientVersion, this::exchangeDone);
        current.start();
        if (body != null) {
            current.requestPart(body);
        }
    }

    /** The current response is written and its request read: held requests may go on. */
    private void exchangeDone() {
        current = null;
        while (!held.isEmpty() && !(current != null && held.peek() instanceof Head)) {
            dispatch(held.poll());
        }
        if (current != null) {
            current.requestReadComplete();
        }
        updateReading();
    }

    /**
     * Reading is manual (the exchange asks for each read) while a request body is being
     * forwarded, paused while requests are held, and automatic otherwise (unless another handler
     * pauses it), so that a pipelined request or a close is noticed while a response streams.
     */
    private void updateReading() {
        if (held.isEmpty() && (current == null || current.requestRead())) {
            ReadPauses.resume(ctx.channel(), this);
        } else {
            ReadPauses.pause(ctx.channel(), this);
        }
    }

    private void abandon() {
        if (current != null) {
            current.abort();
            current = null;
        }
        while (!held.isEmpty()) {
            Object part = held.poll();
            ReferenceCountUtil.release(part instanceof Head head ? head.request() : part);
        }
    }

    private String clientIp() {
        if (clientIp == null) {
            SocketAddress remote = ctx.channel().remoteAddress();
            if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
                clientIp = inet.getAddress().getHostAddress();
            }
        }
        return clientIp;
    }

    /**
     * A request head with the exchange it arrived in. Kept together because the exchange of a
     * channel is the latest request's: a held request must not take a later one's.
     */
    private record Head(HttpRequest request, Exchange exchange) {
    }
}
