package dev.widgetedge.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A request body must keep coming: while the server waits for it, it must arrive at
 * {@link #MIN_BYTES_PER_SECOND} on average, after a grace of the header timeout (the rule of
 * Apache's {@code mod_reqtimeout}, {@code body=…,MinRate=…}). A client that sends one byte every
 * few seconds would otherwise hold the connection, and the upstream connection its body streams
 * to, forever: the idle timeout restarts with every byte.
 *
 * <p>Only time the server spends waiting for the client counts: reading on (automatic, or a read
 * asked for and not yet answered) and no bytes held back by the {@link PipelineLimit}. While the
 * server does not read (a decision is pending, the upstream takes the body at its own pace, a
 * pipelined request waits its turn) the client is not the slow one.
 *
 * <p>Past the allowance: {@code 408} if the request is the only one unanswered and no response to
 * it has started, otherwise the connection is simply closed. Goes right after the HTTP codec; one
 * instance per connection, confined to its event loop.
 */
final class BodyTimeout extends ChannelDuplexHandler {

    /** The slowest average rate a body may arrive at once the grace is used up. */
    static final long MIN_BYTES_PER_SECOND = 1024;

    private final long graceNanos;
    private final long checkEveryNanos;
    private final PipelineLimit limit;
    private boolean inBody;
    private long bodyBytes;
    private long waitedNanos;
    private boolean readAsked;
    private boolean responseInProgress;
    private ScheduledFuture<?> check;

    BodyTimeout(Duration grace, PipelineLimit limit) {
        this.graceNanos = grace.toNanos();
        this.checkEveryNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), graceNanos / 4);
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readAsked = false;
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            inBody = true;
            bodyBytes = 0;
            waitedNanos = 0;
        }
        if (msg instanceof HttpContent content) {
            bodyBytes += content.content().readableBytes();
            if (msg instanceof LastHttpContent) {
                inBody = false;
                cancel();
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The clock runs only for a body that spans reads, so a request read whole costs no timer. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (inBody && check == null) {
            check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), checkEveryNanos, checkEveryNanos,
                    TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    /**
     * A read asked for while automatic reading is off is a demand for the client's bytes. (With it
     * on, Netty asks after every read by itself; turning it off drops what was asked.)
     */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) {
            readAsked = true;
        }
        ctx.read();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            responseInProgress = true;
        }
        if (msg instanceof LastHttpContent) {
            responseInProgress = false;
        }
        ctx.write(msg, promise);
    }

    private void check(ChannelHandlerContext ctx) {
        if (!inBody || !ctx.channel().isActive()) {
            cancel();
            return;
        }
        boolean waiting = !limit.holdsBytes() && (ctx.channel().config().isAutoRead() || readAsked);
        if (waiting) {
            waitedNanos += checkEveryNanos;
        }
        long allowed = graceNanos + bodyBytes * TimeUnit.SECONDS.toNanos(1) / MIN_BYTES_PER_SECOND;
        if (waitedNanos <= allowed) {
            return;
        }
        cancel();
        inBody = false;
        if (limit.unanswered() == 1 && !responseInProgress) {
            LingeringClose.send(ctx, HttpResponses.text(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
                    "Request body arriving too slowly"));
        } else {
            ctx.close();
        }
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
