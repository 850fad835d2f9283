package dev.widgetedge.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The one switch of a connection's automatic reading, shared by the handlers that need to stop it:
 * reading is off while any of them holds a pause, and back on when the last one lets go. Without
 * it, a handler resuming for its own reason (a decision came back) would override another's pause
 * (a full pipeline queue) and let a client push more than the server bounds.
 *
 * <p>A holder is any object, usually the handler itself; pausing twice is holding one pause. A
 * handler that reads on demand ({@code ctx.read()}) while holding a pause still may. Confined to
 * the channel's event loop.
 */
public final class ReadPauses {

    private static final AttributeKey<ReadPauses> KEY = AttributeKey.valueOf("widget-edge.read-pauses");

    private final List<Object> holders = new ArrayList<>(2);

    private ReadPauses() {
    }

    /** {@code holder} stops automatic reading until it {@link #resume resumes}. */
    public static void pause(Channel channel, Object holder) {
        ReadPauses pauses = of(channel);
        if (!pauses.holders.contains(holder)) {
            pauses.holders.add(holder);
        }
        if (channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }

    /** {@code holder} lets go of its pause; reading resumes if nobody else holds one. */
    public static void resume(Channel channel, Object holder) {
        ReadPauses pauses = of(channel);
        pauses.holders.remove(holder);
        if (pauses.holders.isEmpty() && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    private static ReadPauses of(Channel channel) {
        ReadPauses pauses = channel.attr(KEY).get();
        if (pauses == null) {
            pauses = new ReadPauses();
            channel.attr(KEY).set(pauses);
        }
        return pauses;
    }
}
