package dev.widgetedge.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Bounds how far a client may pipeline ahead of the answers. Once {@link #MAX_UNANSWERED} requests
 * are decoded and not yet answered, the codec is given nothing more: what the client sent stays
 * raw, and the connection is not read from, until an answer goes out; then decoding goes on. A
 * client may pipeline any number of requests in one write and gets every answer, in order, with
 * bounded memory.
 *
 * <p>Two handlers around the HTTP codec: {@link #input()} before it, which gives the codec bytes in
 * slices of at most {@link #SLICE_BYTES} while fewer than the maximum are unanswered, and
 * {@link #counter()} after it, which counts request heads decoded and final responses written. The
 * codec decodes whatever it is given; a slice holds at most {@code SLICE_BYTES / MIN_REQUEST_BYTES}
 * requests, so fewer than {@link #CODEC_DEPTH} are ever decoded ahead, the limit the codec is to be
 * built with. (Netty's own limit, 128 by default, closes the connection without an answer when it
 * is reached, which is what a deep pipeline did before this class.)
 *
 * <p>One instance per connection, confined to its event loop.
 */
public final class PipelineLimit {

    /** Requests decoded and not yet answered at which decoding and reading stop. */
    public static final int MAX_UNANSWERED = 16;
    /** The most bytes handed to the codec at once. */
    static final int SLICE_BYTES = 4096;
    /** Fewer bytes than the shortest request the codec decodes ({@code "A / HTTP/1.1\r\n\r\n"}, 16). */
    static final int MIN_REQUEST_BYTES = 14;
    /** The codec's own limit: above anything this class lets it decode ahead. */
    public static final int CODEC_DEPTH = MAX_UNANSWERED + SLICE_BYTES / MIN_REQUEST_BYTES + 1;

    private final Input input = new Input();
    private final Counter counter = new Counter();
    private int unanswered;

    /** The handler that goes right before the HTTP codec. */
    public ChannelHandler input() {
        return input;
    }

    /** The handler that goes right after the HTTP codec. */
    public ChannelHandler counter() {
        return counter;
    }

    /** Requests decoded whose final response is not completely written yet. */
    int unanswered() {
        return unanswered;
    }

    /** Whether bytes the client sent wait here, not yet given to the codec. */
    boolean holdsBytes() {
        return !input.pending.isEmpty();
    }

    /** Holds the bytes the codec may not decode yet, and feeds them when answers go out. */
    private final class Input extends ChannelDuplexHandler {

        private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
        private ChannelHandlerContext ctx;
        private boolean feeding;
        private boolean readAsked;
        /** Whether this handler turned automatic reading off, and so must turn it back on. */
        private boolean pausedAutoRead;

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (!(msg instanceof ByteBuf bytes)) {
                context.fireChannelRead(msg);
                return;
            }
            if (pending.isEmpty() && unanswered < MAX_UNANSWERED && bytes.readableBytes() <= SLICE_BYTES) {
                context.fireChannelRead(bytes);
                return;
            }
            pending.add(bytes);
            feed();
        }

        /**
         * A read asked for while bytes wait here would read past the bound: it is kept for when
         * they are fed. (The codec asks for one when a slice ended in the middle of a request.)
         */
        @Override
        public void read(ChannelHandlerContext context) {
            if (pending.isEmpty()) {
                context.read();
            } else {
                readAsked = true;
            }
        }

        /**
         * Feeds slices while the bound allows; pauses reading while bytes are left. On a connection
         * read on demand (automatic reading off), withholding the demand is the pause; on one read
         * automatically, automatic reading is turned off until the bytes are fed.
         */
        void feed() {
            if (feeding) {
                return;
            }
            feeding = true;
            try {
                while (!pending.isEmpty() && unanswered < MAX_UNANSWERED) {
                    ByteBuf first = pending.peek();
                    ByteBuf slice = first.readRetainedSlice(Math.min(SLICE_BYTES, first.readableBytes()));
                    if (!first.isReadable()) {
                        pending.poll().release();
                    }
                    ctx.fireChannelRead(slice);
                }
            } finally {
                feeding = false;
            }
            if (!pending.isEmpty()) {
                if (ctx.channel().config().isAutoRead()) {
                    pausedAutoRead = true;
                    ctx.channel().config().setAutoRead(false);
                }
                return;
            }
            if (pausedAutoRead) {
                pausedAutoRead = false;
                ctx.channel().config().setAutoRead(true);
            }
            if (readAsked) {
                readAsked = false;
                if (!ctx.channel().config().isAutoRead()) {
                    ctx.read();
                }
            }
        }

        /** An answer went out: what waits is fed, in a task of its own (a write can complete mid-read). */
        void answered() {
            if (!pending.isEmpty()) {
                ctx.executor().execute(() -> {
                    if (!pending.isEmpty() && ctx.channel().isActive()) {
                        feed();
                        ctx.fireChannelReadComplete();
                    }
                });
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) throws Exception {
            releasePending();
            super.channelInactive(context);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext context) {
            releasePending();
        }

        private void releasePending() {
            while (!pending.isEmpty()) {
                ReferenceCountUtil.release(pending.poll());
            }
        }
    }

    /** Counts request heads in and final responses out. */
    private final class Counter extends ChannelDuplexHandler {

        private final ChannelFutureListener written = future -> {
            if (unanswered > 0) {
                unanswered--;
            }
            input.answered();
        };
        /** Whether the response being written is an interim one (100 Continue), which answers nothing. */
        private boolean interim;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                unanswered++;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response) {
                interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            }
            if (msg instanceof LastHttpContent && !interim) {
                promise = promise.unvoid().addListener(written);
            }
            ctx.write(msg, promise);
        }
    }
}
