package dev.widgetedge.app;

import dev.widgetedge.server.AccessLog;
import dev.widgetedge.server.Durations;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers and resources of one running command, stopped in order on shutdown: servers drain
 * (stop accepting, finish in-flight requests up to the drain timeout), then the other resources
 * close in reverse order of registration, the access log's queued lines are written, then the
 * event loops stop.
 */
final class RunningServers {

    private static final Logger LOG = LoggerFactory.getLogger(RunningServers.class);
    /** How long the access log's last lines may take to be written at shutdown. */
    static final Duration ACCESS_LOG_FLUSH = Duration.ofSeconds(2);

    private final EventLoops loops;
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<HttpServer> opsServers = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    RunningServers(EventLoops loops) {
        this.loops = loops;
    }

    HttpServer add(HttpServer server) {
        servers.add(server);
        return server;
    }

    /** An ops server: it keeps answering (readiness now 503) until the others have drained. */
    HttpServer addOps(HttpServer server) {
        opsServers.add(server);
        return server;
    }

    <T extends AutoCloseable> T closeOnStop(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Waits for the signal, then stops everything; returns the exit code (0). */
    int runUntil(ShutdownSignal signal, Duration drainTimeout) throws InterruptedException {
        signal.await();
        stop(drainTimeout);
        return 0;
    }

    /** Drains the servers and releases everything. */
    void stop(Duration drainTimeout) throws InterruptedException {
        LOG.info("shutting down: draining for up to {}", Durations.format(drainTimeout));
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (HttpServer server : servers) {
            server.stopAccepting();
        }
        for (HttpServer server : servers) {
            if (!server.awaitDrained(deadline)) {
                LOG.warn("{}: requests still in flight after {}; closing them", server.name(),
                        Durations.format(drainTimeout));
            }
        }
        for (HttpServer server : opsServers) {
            server.stopAccepting();
            server.awaitDrained(System.nanoTime());
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("error while closing {}: {}", resources.get(i), e.toString());
            }
        }
        if (!AccessLog.shared().flush(ACCESS_LOG_FLUSH)) {
            LOG.warn("access log lines still unwritten after {}; dropped", Durations.format(ACCESS_LOG_FLUSH));
        }
        loops.shutdown(Duration.ofSeconds(2));
        LOG.info("stopped");
    }
}
