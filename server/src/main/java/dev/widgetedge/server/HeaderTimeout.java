package dev.widgetedge.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The time a client has to send a complete request head once it has started one, as nginx's
 * {@code client_header_timeout}: past it, {@code 408} and the connection is closed. The idle
 * timeout cannot do this job, since every byte resets it: a client sending one byte every few
 * seconds would hold the connection forever.
 *
 * <p>The clock starts at the first byte of a head the codec reads (the first of a connection, or
 * the first after the previous request's end) and stops when the codec has the whole head. It
 * waits while requests read before are unanswered: then the server is the slow one, and the next
 * head is only waiting its turn ({@link PipelineLimit}). Bytes that arrived with the end of the
 * previous request start no clock; the next read does.
 *
 * <p>Two handlers around the HTTP codec: {@link #start()} between the {@link PipelineLimit} input
 * and the codec, {@link #end()} after the codec. One instance per connection, confined to its event
 * loop.
 */
public final class HeaderTimeout {

    /** The default: long enough for a slow mobile link to send a few KiB of head, nginx-style. */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private final long timeoutNanos;
    private final String answer;
    private final PipelineLimit limit;
    private final Start start = new Start();
    private final End end = new End();
    private boolean inHead;
    private boolean betweenRequests = true;
    private ScheduledFuture<?> timer;

    /** @param limit the connection's pipeline bound, whose unanswered requests hold the clock */
    public HeaderTimeout(Duration timeout, PipelineLimit limit) {
        this.timeoutNanos = timeout.toNanos();
        this.answer = "Request head not received within " + Durations.format(timeout);
        this.limit = limit;
    }

    /** The handler that goes between the pipeline limit's input and the HTTP codec. */
    public ChannelHandler start() {
        return start;
    }

    /** The handler that goes right after the HTTP codec. */
    public ChannelHandler end() {
        return end;
    }

    private void arm(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> expired(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired(ChannelHandlerContext ctx) {
        timer = null;
        if (!inHead || !ctx.channel().isActive()) {
            return;
        }
        if (limit.unanswered() > 0) {
            arm(ctx);
            return;
        }
        inHead = false;
        LingeringClose.send(ctx, HttpResponses.text(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT, answer));
    }

    /**
     * Sees the bytes the codec is given: the first one between requests starts the clock. The
     * timer itself is set only at the end of a read that left the head incomplete, so a request
     * that arrives whole (nearly all of them) costs no timer.
     */
    private final class Start extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (betweenRequests && !inHead && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                inHead = true;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (inHead && timer == null) {
                arm(end.ctx);
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancel();
        }
    }

    /** Sees what the codec decodes: a head stops the clock, a request's end allows the next. */
    private final class End extends ChannelInboundHandlerAdapter {

        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof HttpRequest) {
                inHead = false;
                betweenRequests = false;
                cancel();
            }
            if (msg instanceof LastHttpContent) {
                betweenRequests = true;
            }
            context.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) throws Exception {
            cancel();
            super.channelInactive(context);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext context) {
            cancel();
        }
    }
}
