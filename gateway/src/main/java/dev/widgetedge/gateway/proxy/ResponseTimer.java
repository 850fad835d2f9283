package dev.widgetedge.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The upstream timeout of one client connection's proxied exchanges, which follow one another: one
 * timer task serves them all, so that a proxied request neither schedules nor cancels a task of its
 * own (each took a place in the event loop's timer queue and a removal from it, a few per cent of a
 * proxied request's time in a profile).
 *
 * <p>The task runs when the exchange watched at the time it was scheduled would be due. If the
 * exchange watched when it runs is not due yet (it made progress since, or it is a later exchange),
 * the task is put off until that one would be; if none is watched, the task ends, and the next
 * exchange schedules a new one. Since every exchange of a connection has the same timeout, a task
 * scheduled earlier never runs later than a newly watched exchange is due.
 *
 * <p>Confined to the client connection's event loop.
 */
public final class ResponseTimer {

    /** What the timer watches: one proxied exchange waiting for its response head. */
    interface Watched {

        /** How long until the exchange times out, from now; zero or less once it has. */
        long nanosUntilTimeout();

        /** The exchange timed out: the timer no longer watches it. */
        void timedOut();
    }

    private final EventExecutor loop;
    private Watched watched;
    private ScheduledFuture<?> task;

    public ResponseTimer(EventExecutor loop) {
        this.loop = loop;
    }

    /** Watches {@code exchange}, due {@code delayNanos} from now unless it makes progress. */
    void watch(Watched exchange, long delayNanos) {
        watched = exchange;
        if (task == null) {
            schedule(delayNanos);
        }
    }

    /** Stops watching {@code exchange}, if it is the one watched. */
    void unwatch(Watched exchange) {
        if (watched == exchange) {
            watched = null;
        }
    }

    /** The connection is gone: nothing is watched, and no task is left in the timer queue. */
    public void cancel() {
        watched = null;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void schedule(long delayNanos) {
        task = loop.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void run() {
        task = null;
        Watched exchange = watched;
        if (exchange == null) {
            return;
        }
        long remaining = exchange.nanosUntilTimeout();
        if (remaining > 0) {
            schedule(remaining);
            return;
        }
        watched = null;
        exchange.timedOut();
    }
}
