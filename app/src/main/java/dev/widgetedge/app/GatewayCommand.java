package dev.widgetedge.app;

import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.store.RedisWidgetKeyStore;
import dev.widgetedge.gateway.Gateway;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.Metrics;
import dev.widgetedge.server.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code widget-edge gateway}: the edge, deciding from a cache backed by Redis. */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the gateway: check widget keys and origins, answer bootstrap, proxy the rest.")
final class GatewayCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayCommand.class);

    static final String DEFAULT_HOST = "0.0.0.0";
    static final int DEFAULT_PORT = 8080;
    static final int DEFAULT_OPS_PORT = 9090;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Public port (default: ${DEFAULT-VALUE}).")
    int port = DEFAULT_PORT;

    @Option(names = "--ops-port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
    int opsPort = DEFAULT_OPS_PORT;

    @Mixin
    StoreOptions store;

    @Mixin
    GatewayOptions gateway;

    @Mixin
    DrainOption drain;

    private final ShutdownSignal signal;

    GatewayCommand(ShutdownSignal signal) {
        this.signal = signal;
    }

    @Override
    public Integer call() throws Exception {
        Duration drainTimeout = drain.value();
        GatewaySettings settings = gateway.settings(Check.positive("--store-timeout", store.storeTimeout));
        RedisConnector redis = store.connect();
        EventLoops loops = EventLoops.create();
        RunningServers running = new RunningServers(loops);
        running.closeOnStop(redis);
        RedisWidgetKeyStore keys = new RedisWidgetKeyStore(redis);
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        Gateway edge = Gateway.start(loops, host, port, settings, keys, registry, Clock.systemUTC());
        running.add(edge.server());
        running.closeOnStop(() -> edge.close(drainTimeout));
        HttpServer ops = running.addOps(OpsServer.start(loops, host, opsPort, registry,
                Readiness.onceStoreAnswered(edge.server(), keys)));
        LOG.info("gateway listening on {}:{} (ops on port {}, transport {}, Redis at {}, upstream {})",
                host, edge.server().port(), ops.port(), loops.transportName(), redis.describe(),
                settings.upstream().uri() == null ? "none" : settings.upstream().uri());
        return running.runUntil(signal, drainTimeout);
    }
}
