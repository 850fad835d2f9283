package dev.widgetedge.app;

import dev.widgetedge.admin.AdminServer;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.store.RedisAdminTokenStore;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.store.RedisWidgetKeyStore;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.Metrics;
import dev.widgetedge.server.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code widget-edge admin}: the widget-keys admin API on Redis. */
@Command(name = "admin", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the widget-keys admin API, with Redis as the system of record.")
final class AdminCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminCommand.class);
    private static final Duration ACCOUNT_INDEXING_RETRY = Duration.ofSeconds(5);

    static final int DEFAULT_PORT = 8081;
    static final int DEFAULT_OPS_PORT = 9091;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = GatewayCommand.DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Admin API port (default: ${DEFAULT-VALUE}).")
    int port = DEFAULT_PORT;

    @Option(names = "--ops-port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
    int opsPort = DEFAULT_OPS_PORT;

    @Mixin
    StoreOptions store;

    @Mixin
    HeaderTimeoutOption headerTimeout;

    @Mixin
    AuditOption audit;

    @Mixin
    DrainOption drain;

    private final ShutdownSignal signal;

    AdminCommand(ShutdownSignal signal) {
        this.signal = signal;
    }

    @Override
    public Integer call() throws Exception {
        Duration drainTimeout = drain.value();
        Duration clientHeaderTimeout = headerTimeout.value();
        AuditLimits auditLimits = audit.value();
        RedisConnector redis = store.connect();
        EventLoops loops = EventLoops.create();
        RunningServers running = new RunningServers(loops);
        running.closeOnStop(redis);
        RedisWidgetKeyStore keys = new RedisWidgetKeyStore(redis, auditLimits);
        indexAccounts(keys);
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        HttpServer admin = running.add(AdminServer.start(loops, host, port, keys, new RedisAdminTokenStore(redis),
                registry, Clock.systemUTC(), clientHeaderTimeout, auditLimits));
        HttpServer ops = running.addOps(OpsServer.start(loops, host, opsPort, registry,
                Readiness.whileStoreAnswers(admin, keys)));
        LOG.info("admin API listening on {}:{} (ops on port {}, transport {}, Redis at {})",
                host, admin.port(), ops.port(), loops.transportName(), redis.describe());
        return running.runUntil(signal, drainTimeout);
    }

    /**
     * Completes the account set the gateways build their key filters from (for keys created
     * before the set was kept), once Redis answers; tried again every few seconds until then.
     */
    private static void indexAccounts(RedisWidgetKeyStore keys) {
        keys.indexAccounts().whenComplete((done, error) -> {
            if (error == null) {
                LOG.info("account set indexed: gateways build their key filters from the account indexes");
            } else {
                CompletableFuture.delayedExecutor(ACCOUNT_INDEXING_RETRY.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> indexAccounts(keys));
            }
        });
    }
}
