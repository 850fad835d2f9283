package dev.widgetedge.app;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly stop. The JVM's default reaction (run shutdown hooks,
 * exit 143) would cut in-flight requests short and report failure; handling the signal lets the
 * main thread drain the servers and exit 0.
 */
final class ShutdownSignal {

    private final CountDownLatch received = new CountDownLatch(1);

    /** Installs the handlers for TERM and INT. */
    static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        Signal.handle(new Signal("TERM"), ignored -> signal.trigger());
        Signal.handle(new Signal("INT"), ignored -> signal.trigger());
        return signal;
    }

    /** Requests the stop, as the signal handlers do. */
    void trigger() {
        received.countDown();
    }

    /** Blocks until a stop is requested. */
    void await() throws InterruptedException {
        received.await();
    }
}
