package dev.widgetedge.app;

import dev.widgetedge.admin.AdminServer;
import dev.widgetedge.admin.AdminTokens;
import dev.widgetedge.admin.WidgetKeyService;
import dev.widgetedge.core.audit.Actor;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.key.AdminTokenFormat;
import dev.widgetedge.core.origin.Allowlist;
import dev.widgetedge.core.origin.InvalidOriginException;
import dev.widgetedge.core.origin.OriginPattern;
import dev.widgetedge.core.store.InMemoryAdminTokenStore;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.token.AccountIds;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.gateway.Gateway;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.Metrics;
import dev.widgetedge.server.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code widget-edge dev}: the gateway and the admin API in one process on an in-memory store
 * (invalidations in-process), for trying widget-edge out and for scripts. Data lives as long as
 * the process; both roles' metrics are on the one ops port. Unless {@code --no-demo} is given, it
 * creates a demo key (through the admin API's own {@link WidgetKeyService}) that pages served from
 * {@code http://localhost:8000} may use, and prints it with everything else needed to try it.
 */
@Command(name = "dev", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run widget-edge on an in-memory store (data lives as long as the process).")
final class DevCommand implements Callable<Integer> {

    /** Operator-chosen tokens must not be trivially guessable. */
    static final int MIN_TOKEN_LENGTH = 16;

    /** The demo key's name and allowlist: where {@code python3 -m http.server} serves examples/embed. */
    static final String DEMO_NAME = "demo";
    static final List<String> DEMO_ALLOWLIST = List.of("http://localhost:8000", "http://127.0.0.1:8000");

    /** {@code dev} listens on this machine only unless told otherwise. */
    static final String DEFAULT_HOST = "127.0.0.1";
    static final String DEFAULT_ACCOUNT = "acct_dev";

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host = DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Gateway port (default: ${DEFAULT-VALUE}).")
    int port = GatewayCommand.DEFAULT_PORT;

    @Option(names = "--admin-port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Admin API port (default: ${DEFAULT-VALUE}).")
    int adminPort = AdminCommand.DEFAULT_PORT;

    @Option(names = "--ops-port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
    int opsPort = GatewayCommand.DEFAULT_OPS_PORT;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "Use this admin token instead of a random one (at least 16 characters).")
    String adminToken;

    @Option(names = "--account", paramLabel = "ACCOUNT",
            description = "The account the admin token acts for (default: ${DEFAULT-VALUE}).")
    String account = DEFAULT_ACCOUNT;

    @Option(names = "--no-demo",
            description = "Do not create the demo key (allowed on http://localhost:8000 and http://127.0.0.1:8000).")
    boolean noDemo;

    @Mixin
    GatewayOptions gateway = GatewayOptions.forDev();

    @Mixin
    AuditOption audit;

    @Mixin
    DrainOption drain;

    @Spec
    CommandSpec spec;

    private final ShutdownSignal signal;

    DevCommand(ShutdownSignal signal) {
        this.signal = signal;
    }

    @Override
    public Integer call() throws Exception {
        Duration drainTimeout = drain.value();
        AuditLimits auditLimits = audit.value();
        if (!AccountIds.isValid(account)) {
            throw new UsageError("--account", "'" + account + "'", AccountIds.EXPECTED);
        }
        GatewaySettings settings = gateway.settings(GatewaySettings.DEFAULT_STORE_TIMEOUT);
        String token = adminToken != null ? adminToken : AdminTokenFormat.mintToken();
        if (!AdminTokenFormat.isWellFormed(token) || token.length() < MIN_TOKEN_LENGTH) {
            throw new UsageError("--admin-token", "(hidden)",
                    MIN_TOKEN_LENGTH + "-" + AdminTokenFormat.MAX_LENGTH + " characters of A-Z a-z 0-9 - . _ ~ + /");
        }

        InMemoryWidgetKeyStore keys = new InMemoryWidgetKeyStore(auditLimits);
        InMemoryAdminTokenStore tokens = new InMemoryAdminTokenStore();
        AdminToken devToken = AdminTokens.issue(tokens, token, "dev", AccountScope.of(Set.of(account)),
                Clock.systemUTC()).toCompletableFuture().join();

        EventLoops loops = EventLoops.create();
        RunningServers running = new RunningServers(loops);
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        Gateway edge = Gateway.start(loops, host, port, settings, keys, registry, Clock.systemUTC());
        running.add(edge.server());
        running.closeOnStop(() -> edge.close(drainTimeout));
        HttpServer admin = running.add(AdminServer.start(loops, host, adminPort, new CurrentReports(keys, edge.traffic()),
                tokens, registry, Clock.systemUTC(), settings.connections().headerTimeout(), auditLimits));
        HttpServer ops = running.addOps(OpsServer.start(loops, host, opsPort, registry,
                Readiness.whileStoreAnswers(admin, keys).and(Readiness.onceStoreAnswered(edge.server(), keys))));
        // Only once every port is bound: a taken port fails the command before any key exists.
        DevBanner.DemoKey demo = noDemo ? null
                : createDemoKey(keys, account, new Actor(devToken.id(), devToken.name()));

        DevBanner.print(spec.commandLine().getOut(), host, edge.server().port(), admin.port(), ops.port(), token,
                account, demo);
        return running.runUntil(signal, drainTimeout);
    }

    /**
     * Creates the demo key exactly as {@code POST /api/v1/widget-keys} would, with {@code actor}
     * (the dev token) in its audit event.
     */
    static DevBanner.DemoKey createDemoKey(WidgetKeyStore keys, String account, Actor actor) {
        WidgetKeyService.Created created = new WidgetKeyService(keys, Clock.systemUTC())
                .create(actor, account, KeySettings.of(DEMO_NAME, null, normalized(DEMO_ALLOWLIST)))
                .toCompletableFuture().join();
        return new DevBanner.DemoKey(created.key().id().toString(), created.plaintextKey(),
                created.key().domainAllowlist());
    }

    private static List<String> normalized(List<String> entries) {
        List<OriginPattern> patterns = new ArrayList<>(entries.size());
        for (String entry : entries) {
            try {
                patterns.add(OriginPattern.parse(entry));
            } catch (InvalidOriginException e) {
                throw new IllegalStateException("demo allowlist entry " + entry, e);
            }
        }
        return Allowlist.of(patterns).entries();
    }
}
