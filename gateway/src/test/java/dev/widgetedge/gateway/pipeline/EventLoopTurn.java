package dev.widgetedge.gateway.pipeline;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Runs an {@link EmbeddedChannel}'s queued tasks the way a real event loop does: one after another,
 * a task queued by another task running only once that one has returned.
 *
 * <p>{@link EmbeddedChannel#runPendingTasks()} called from a test also runs, in the middle of a task,
 * every task queued before a flush inside it returns (Netty 4.2's {@code EmbeddedChannel} runs
 * pending tasks after each flush when no {@code write*()} call is in progress). No real event loop
 * does that, so a test of ordering between tasks would not tell a handler that defers work with
 * {@code ctx.executor().execute} from one that does it in place. Inside {@code writeInbound}, which
 * this uses, the nested runs are suppressed.
 *
 * <p>Must be the first handler of the pipeline.
 */
@Sharable
final class EventLoopTurn extends ChannelInboundHandlerAdapter {

    static final EventLoopTurn INSTANCE = new EventLoopTurn();

    private static final Object TICK = new Object() {
        @Override
        public String toString() {
            return "event-loop turn";
        }
    };

    private EventLoopTurn() {
    }

    /** Runs every queued task (and every task those queue) in order, without nesting. */
    static void run(EmbeddedChannel channel) {
        channel.writeInbound(TICK);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg != TICK) {
            ctx.fireChannelRead(msg);
        }
    }
}
