package dev.widgetedge.app;

import dev.widgetedge.admin.AdminServer;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.store.InMemoryAdminTokenStore;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.gateway.Gateway;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.HeaderTimeout;
import dev.widgetedge.server.HttpServer;
import dev.widgetedge.server.Metrics;
import dev.widgetedge.server.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the ops port's {@code /metrics} really contains: a gateway, an admin API and an ops port started in this
 * process (ports 0, in-memory store, the production registry and wiring), each asked one request so
 * that lazily created meters exist, then scraped once.
 */
final class LiveMetrics {

    /** A metric family: its Prometheus type, its label names ({@code le} left out) and its series names. */
    record Family(String name, String type, Set<String> labels, Set<String> series) {
    }

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");
    private static Map<String, Family> scraped;

    private LiveMetrics() {
    }

    /** Every family on {@code /metrics}, by name; scraped once per test run. */
    static synchronized Map<String, Family> families() throws IOException, InterruptedException {
        if (scraped == null) {
            scraped = parse(scrape());
        }
        return scraped;
    }

    /** Every series name ({@code …_bucket}, {@code …_total}, …) on {@code /metrics}. */
    static Set<String> seriesNames() throws IOException, InterruptedException {
        Set<String> names = new TreeSet<>();
        families().values().forEach(family -> names.addAll(family.series()));
        return names;
    }

    /** Every label name on {@code /metrics}. */
    static Set<String> labelNames() throws IOException, InterruptedException {
        Set<String> names = new TreeSet<>();
        families().values().forEach(family -> names.addAll(family.labels()));
        return names;
    }

    private static String scrape() throws IOException, InterruptedException {
        EventLoops loops = EventLoops.create();
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        InMemoryWidgetKeyStore keys = new InMemoryWidgetKeyStore();
        Gateway gateway = Gateway.start(loops, "127.0.0.1", 0, GatewaySettings.defaults(), keys, registry,
                Clock.systemUTC());
        HttpServer admin = AdminServer.start(loops, "127.0.0.1", 0, keys, new InMemoryAdminTokenStore(), registry,
                Clock.systemUTC(), HeaderTimeout.DEFAULT, AuditLimits.defaults());
        HttpServer ops = OpsServer.start(loops, "127.0.0.1", 0, registry, () -> CompletableFuture.completedFuture(true));
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            get(client, admin.port(), "/api/v1/openapi.json");
            get(client, gateway.server().port(), "/v1/widget.js");
            return registry.scrape();
        } finally {
            gateway.server().stopAccepting();
            admin.stopAccepting();
            ops.stopAccepting();
            gateway.close();
            loops.close();
        }
    }

    private static void get(HttpClient client, int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        client.send(request, HttpResponse.BodyHandlers.discarding());
    }

    static Map<String, Family> parse(String exposition) {
        Map<String, Family> families = new LinkedHashMap<>();
        Family current = null;
        for (String line : exposition.lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                current = new Family(parts[2], parts[3], new TreeSet<>(), new TreeSet<>());
                families.put(current.name(), current);
            } else if (!line.startsWith("#") && !line.isBlank() && current != null) {
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                int nameEnd = brace >= 0 && brace < space ? brace : space;
                current.series().add(line.substring(0, nameEnd));
                if (brace >= 0 && brace < space) {
                    Matcher label = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                    while (label.find()) {
                        if (!label.group(1).equals("le")) {
                            current.labels().add(label.group(1));
                        }
                    }
                }
            }
        }
        return families;
    }
}
