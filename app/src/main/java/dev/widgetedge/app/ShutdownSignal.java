package dev.widgetedge.app;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGTERM and SIGINT into an orderly stop. The JVM's default reaction (run shutdown hooks,
 * exit 143) would cut in-flight requests short and report failure; handling the signal lets the
 * main thread drain the servers and exit 0.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) is the JDK's only way to handle a
 * signal; javac warns that it is internal API, and this class is the build's one source of such
 * warnings.
 */
final class ShutdownSignal {

    private final CountDownLatch received = new CountDownLatch(1);

    /** Installs the handlers for TERM and INT. */
    static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        for (String name : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), ignored -> signal.trigger());
        }
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
