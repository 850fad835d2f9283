package dev.widgetedge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Keeps HTTP/1.1 pipelining correct for handlers that answer asynchronously: the requests of one
 * connection are served one after another, each starting once the previous response is written,
 * so responses leave in request order (RFC 9112 §9.3.2). A client that pipelines more than
 * {@link #MAX_QUEUED} requests is no longer read from until the queue halves.
 */
public final class ResponseOrder {

    static final int MAX_QUEUED = 16;

    private static final AttributeKey<ResponseOrder> KEY = AttributeKey.valueOf("widget-edge.response-order");

    private final Channel channel;
    private final AtomicInteger queued = new AtomicInteger();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    private ResponseOrder(Channel channel) {
        this.channel = channel;
    }

    /**
     * Runs {@code exchange} after every exchange enqueued before it on this channel has finished.
     * Must be called on the channel's event loop, in the order requests were read.
     *
     * @param exchange answers one request and returns a stage that completes once its response is
     *                 written (or failed); a failure does not stop later exchanges
     */
    public static void enqueue(Channel channel, Supplier<CompletionStage<?>> exchange) {
        ResponseOrder order = channel.attr(KEY).get();
        if (order == null) {
            order = new ResponseOrder(channel);
            channel.attr(KEY).set(order);
        }
        order.add(exchange);
    }

    /** A stage that completes when {@code write} does, successfully or not. */
    public static CompletionStage<Void> completion(ChannelFuture write) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        write.addListener(future -> done.complete(null));
        return done;
    }

    private void add(Supplier<CompletionStage<?>> exchange) {
        if (queued.incrementAndGet() >= MAX_QUEUED) {
            channel.config().setAutoRead(false);
        }
        tail = tail.thenCompose(previous -> run(exchange)).handle((done, error) -> {
            if (queued.decrementAndGet() <= MAX_QUEUED / 2 && !channel.config().isAutoRead()) {
                channel.config().setAutoRead(true);
            }
            return null;
        });
    }

    private static CompletionStage<?> run(Supplier<CompletionStage<?>> exchange) {
        try {
            return exchange.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
