package dev.widgetedge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Keeps HTTP/1.1 pipelining correct for handlers that answer asynchronously: the requests of one
 * connection are served one after another, each starting once the previous response is written,
 * so responses leave in request order (RFC 9112 §9.3.2). How many may wait is bounded before the
 * codec ({@link PipelineLimit}).
 */
public final class ResponseOrder {

    private static final AttributeKey<ResponseOrder> KEY = AttributeKey.valueOf("widget-edge.response-order");

    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

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
            order = new ResponseOrder();
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
        tail = tail.thenCompose(previous -> run(exchange)).handle((done, error) -> null);
    }

    private static CompletionStage<?> run(Supplier<CompletionStage<?>> exchange) {
        try {
            return exchange.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
