package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Model.CommandSpec;

/**
 * No Docker engine runs where the tests do, so {@code docker/} is checked against the code instead:
 * the compose file's widget-edge commands, variables and ports against the command line (through
 * {@link ComposeChecker}), the Dockerfile against the default ports and the files it copies, and the
 * Grafana dashboard's queries against what {@code /metrics} really serves. Every check is also run
 * on a broken copy, to show that it fails when it should.
 */
class ComposeFileTest {

    private static final Path DOCKER = MarkdownDocs.repositoryRoot().resolve("docker");
    private static final Pattern HEALTHCHECK_DEFAULT = Pattern.compile("WIDGET_EDGE_OPS_PORT:-(\\d+)");

    private static String read(String relative) throws IOException {
        return Files.readString(DOCKER.resolve(relative));
    }

    private static int healthcheckDefaultPort() throws IOException {
        Matcher matcher = HEALTHCHECK_DEFAULT.matcher(read("healthcheck.sh"));
        assertThat(matcher.find()).as("docker/healthcheck.sh names its default port").isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static ComposeChecker.Files realFiles() throws IOException {
        return new ComposeChecker.Files(read("compose.yaml"), read("prometheus.yml"),
                read("grafana/provisioning/datasources/prometheus.yml"), healthcheckDefaultPort());
    }

    // ---- compose.yaml and prometheus.yml -------------------------------------------------------------

    @Test
    void composeFile_usesOnlyOptionsVariablesAndPortsTheCliHas() throws IOException {
        ComposeChecker.Report report = ComposeChecker.check(realFiles());

        assertThat(report.problems()).isEmpty();
        Map<String, ComposeChecker.WidgetEdgeService> services = report.widgetEdgeServices();
        assertThat(services).containsOnlyKeys("admin-token", "admin", "gateway-1", "gateway-2");
        assertThat(services.get("admin-token").command()).isEqualTo("tokens create");
        assertThat(services.get("admin").command()).isEqualTo("admin");
        assertThat(services.get("admin").listening()).containsExactly(8081, 9091);
        for (String gateway : List.of("gateway-1", "gateway-2")) {
            assertThat(services.get(gateway).command()).isEqualTo("gateway");
            assertThat(services.get(gateway).listening()).containsExactly(8080, 9090);
        }
        assertThat(report.scrapeTargets()).containsExactlyInAnyOrder("admin:9091", "gateway-1:9090", "gateway-2:9090");
    }

    /** A broken copy: which file, what to change, and a problem the check must then report. */
    private record Breakage(String what, boolean inPrometheus, String from, String to, String expected) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                new Breakage("a variable no option reads", false,
                        "WIDGET_EDGE_CACHE_TTL: 30s", "WIDGET_EDGE_CACHE_TTL_SECONDS: 30s",
                        "service gateway-1: WIDGET_EDGE_CACHE_TTL_SECONDS is not a variable of `widget-edge gateway`"),
                new Breakage("a dev-only variable on a gateway", false,
                        "WIDGET_EDGE_CACHE_TTL: 30s", "WIDGET_EDGE_ADMIN_PORT: \"8081\"",
                        "service gateway-1: WIDGET_EDGE_ADMIN_PORT is not a variable of `widget-edge gateway`"),
                new Breakage("a gateway option on the admin API", false,
                        "command: [\"admin\"]", "command: [\"admin\", \"--upstream\", \"http://upstream:8000\"]",
                        "service admin: widget-edge admin --upstream http://upstream:8000: --upstream: unknown option"),
                new Breakage("a flag that does not exist", false,
                        "command: [\"tokens\", \"create\",", "command: [\"tokens\", \"create\", \"--no-such-flag\",",
                        "service admin-token: widget-edge tokens create --no-such-flag"),
                new Breakage("a value the option refuses", false,
                        "WIDGET_EDGE_CACHE_TTL: 30s", "WIDGET_EDGE_CACHE_TTL: 30 seconds",
                        "--cache-ttl: 30 seconds (expected: a duration such as 500ms, 2s, 5m, 1h or 90d) (from WIDGET_EDGE_CACHE_TTL)"),
                new Breakage("a widget-edge service that runs no command", false,
                        "command: [\"gateway\"]", "command: []",
                        "service gateway-1: command [] runs no widget-edge command"),
                new Breakage("a port mapping to a port nothing listens on", false,
                        "\"127.0.0.1:8082:8080\"", "\"127.0.0.1:8082:8081\"",
                        "service gateway-2: port mapping 127.0.0.1:8082:8081 targets container port 8081, but "
                                + "`widget-edge gateway` listens on [8080, 9090]"),
                new Breakage("the ops port moved but expose and the scrape target did not", false,
                        "WIDGET_EDGE_OPS_PORT: \"9091\"", "WIDGET_EDGE_OPS_PORT: \"9092\"",
                        "prometheus job widget-edge-admin: target admin:9091, but /metrics of admin is on ops port 9092"),
                new Breakage("an expose of a port the service does not listen on", false,
                        "WIDGET_EDGE_OPS_PORT: \"9091\"", "WIDGET_EDGE_OPS_PORT: \"9092\"",
                        "service admin: expose 9091, but `widget-edge admin` listens on [8081, 9092]"),
                new Breakage("the ops port set by a flag the health check does not see", false,
                        "command: [\"admin\"]", "command: [\"admin\", \"--ops-port\", \"9092\"]",
                        "service admin: health check probes port 9091 (WIDGET_EDGE_OPS_PORT), but /readyz of "
                                + "`widget-edge admin` is on ops port 9092"),
                new Breakage("the admin API's default ops port with the health check's default", false,
                        "      WIDGET_EDGE_OPS_PORT: \"9091\"\n", "",
                        "service admin: health check probes port 9090 (the script's default), but /readyz of "
                                + "`widget-edge admin` is on ops port 9091"),
                new Breakage("an upstream that is not a service", false,
                        "WIDGET_EDGE_UPSTREAM: http://upstream:8000", "WIDGET_EDGE_UPSTREAM: http://backend:8000",
                        "service gateway-1: --upstream points at backend, which is not a service of the compose file"),
                new Breakage("an upstream port the upstream does not listen on", false,
                        "WIDGET_EDGE_UPSTREAM: http://upstream:8000", "WIDGET_EDGE_UPSTREAM: http://upstream:8080",
                        "service gateway-1: --upstream points at upstream:8080, but upstream listens on [8000]"),
                new Breakage("a Redis that is not a service", false,
                        "WIDGET_EDGE_REDIS: redis://redis:6379", "WIDGET_EDGE_REDIS: redis://cache:6379",
                        "service admin-token: --redis points at cache, which is not a service of the compose file"),
                new Breakage("a --redis flag that overrides the variable", false,
                        "\"--name\", \"compose quickstart\"]",
                        "\"--name\", \"compose quickstart\", \"--redis\", \"redis://valkey:6379\"]",
                        "service admin-token: --redis points at valkey, which is not a service of the compose file"),
                new Breakage("a dependency on a service that does not exist", false,
                        "      upstream:\n        condition: service_healthy",
                        "      backend:\n        condition: service_healthy",
                        "service gateway-1: depends on backend, which is not a service of the file"),
                new Breakage("a variable without a default", false,
                        "WIDGET_EDGE_CACHE_TTL: 30s", "WIDGET_EDGE_CACHE_TTL: ${CACHE_TTL}",
                        "service gateway-1: ${CACHE_TTL} has no default"),
                new Breakage("Prometheus scraping the public port", true,
                        "\"gateway-2:9090\"", "\"gateway-2:8080\"",
                        "prometheus job widget-edge-gateway: target gateway-2:8080, but /metrics of gateway-2 is on "
                                + "ops port 9090"),
                new Breakage("a gateway Prometheus does not scrape", true,
                        ", \"gateway-2:9090\"", "",
                        "service gateway-2: Prometheus does not scrape its ops port (gateway-2:9090)"),
                new Breakage("a scrape target that is not a service", true,
                        "\"admin:9091\"", "\"admin-api:9091\"",
                        "prometheus job widget-edge-admin: target admin-api:9091 is not a service of the compose file"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void brokenCopy_isReported(Breakage breakage) throws IOException {
        ComposeChecker.Files real = realFiles();
        String original = breakage.inPrometheus() ? real.prometheus() : real.compose();
        assertThat(original).as("the text this case changes").contains(breakage.from());
        String broken = original.replaceFirst(Pattern.quote(breakage.from()),
                Matcher.quoteReplacement(breakage.to()));
        ComposeChecker.Files files = breakage.inPrometheus()
                ? new ComposeChecker.Files(real.compose(), broken, real.grafanaDatasources(), real.healthcheckDefaultPort())
                : new ComposeChecker.Files(broken, real.prometheus(), real.grafanaDatasources(),
                        real.healthcheckDefaultPort());

        assertThat(ComposeChecker.check(files).problems()).anySatisfy(
                problem -> assertThat(problem).contains(breakage.expected()));
    }

    @Test
    void brokenGrafanaDataSource_isReported() throws IOException {
        ComposeChecker.Files real = realFiles();
        ComposeChecker.Files broken = new ComposeChecker.Files(real.compose(), real.prometheus(),
                real.grafanaDatasources().replace("http://prometheus:9090", "http://prometheus:9091"),
                real.healthcheckDefaultPort());

        assertThat(ComposeChecker.check(broken).problems()).containsExactly(
                "grafana data source Prometheus: http://prometheus:9091, but prometheus listens on [9090]");
    }

    // ---- Dockerfile ----------------------------------------------------------------------------------

    @Test
    void dockerfile_exposesTheDefaultPorts_andChecksReadinessOnTheDefaultOpsPort() throws IOException {
        String dockerfile = read("Dockerfile");
        Map<String, CommandSpec> commands = CliModel.leafCommands();
        Set<Integer> defaults = new TreeSet<>();
        for (String command : List.of("gateway", "admin")) {
            for (String option : List.of("--port", "--ops-port")) {
                defaults.add(Integer.parseInt(EnvironmentDefaults.builtIn(commands.get(command).findOption(option))));
            }
        }

        assertThat(exposedPorts(dockerfile)).isEqualTo(defaults);
        assertThat(dockerfile).contains("HEALTHCHECK ").containsPattern("HEALTHCHECK .*CMD \\[\"/app/healthcheck\"]");
        assertThat(healthcheckDefaultPort()).isEqualTo(
                Integer.parseInt(EnvironmentDefaults.builtIn(commands.get("gateway").findOption("--ops-port"))));
        assertThat(exposedPorts(dockerfile.replace("EXPOSE 8080 8081 9090 9091", "EXPOSE 8080 8081 9090")))
                .as("a broken copy").isNotEqualTo(defaults);
    }

    @Test
    void dockerfile_copiesFilesThatExist_andRunsTheJarItBuilt() throws IOException {
        String dockerfile = read("Dockerfile");
        List<String> missing = new ArrayList<>();
        for (String line : dockerfile.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("COPY") && !line.contains("--from=")) {
                List<String> sources = Stream.of(words).skip(1).filter(word -> !word.startsWith("--")).toList();
                for (String source : sources.subList(0, sources.size() - 1)) {
                    if (!Files.exists(MarkdownDocs.repositoryRoot().resolve(source))) {
                        missing.add(source);
                    }
                }
            }
        }

        assertThat(missing).isEmpty();
        assertThat(dockerfile).contains("COPY --from=build /src/app/target/widget-edge.jar /app/widget-edge.jar")
                .contains("\"-jar\", \"/app/widget-edge.jar\"]")
                .containsPattern("(?m)^USER widgetedge")
                .contains("COPY --chmod=0755 docker/healthcheck.sh " + ComposeChecker.HEALTHCHECK);
        for (String entrypoint : ComposeChecker.PASS_THROUGH_ENTRYPOINTS) {
            assertThat(dockerfile).containsPattern("COPY --chmod=0755 docker/\\S+ " + Pattern.quote(entrypoint) + "\n");
        }
    }

    private static Set<Integer> exposedPorts(String dockerfile) {
        Set<Integer> ports = new TreeSet<>();
        for (String line : dockerfile.lines().toList()) {
            if (line.startsWith("EXPOSE ")) {
                Stream.of(line.substring(7).strip().split("\\s+")).map(Integer::parseInt).forEach(ports::add);
            }
        }
        return ports;
    }

    // ---- Grafana dashboard ---------------------------------------------------------------------------

    private static final Pattern METRIC = Pattern.compile("\\b((?:widget|cache|jvm|process|netty|system)_[a-z0-9_]+)");
    private static final Pattern BY_LABELS = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern MATCHER_LABELS = Pattern.compile("([a-z_]+)\\s*(?:=~|!~|!=|=)\\s*\"");
    /** Labels Prometheus adds to every scraped series (target labels of docker/prometheus.yml included). */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job", "role", "le");

    /** The series the dashboard must chart (docs/metrics.md). */
    private static final Set<String> REQUIRED = Set.of("widget_gateway_requests_total",
            "widget_gateway_request_duration_seconds_bucket", "cache_gets_total",
            "widget_gateway_store_requests_total", "widget_gateway_invalidation_lag_seconds_bucket",
            "widget_gateway_upstream_requests_total", "widget_admin_requests_total");

    private static List<String> dashboardQueries(String json) throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(json).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        return queries;
    }

    /** Problems of the dashboard's queries: series or labels that {@code /metrics} does not have. */
    private static List<String> dashboardProblems(String json) throws Exception {
        Set<String> series = LiveMetrics.seriesNames();
        Set<String> labels = new TreeSet<>(LiveMetrics.labelNames());
        labels.addAll(TARGET_LABELS);
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (String query : dashboardQueries(json)) {
            Matcher metric = METRIC.matcher(query.replaceAll("\"[^\"]*\"", "\"\""));
            while (metric.find()) {
                used.add(metric.group(1));
                if (!series.contains(metric.group(1))) {
                    problems.add("unknown series " + metric.group(1) + " in " + query);
                }
            }
            Matcher by = BY_LABELS.matcher(query);
            while (by.find()) {
                for (String label : by.group(1).split(",")) {
                    if (!labels.contains(label.strip())) {
                        problems.add("unknown label " + label.strip() + " in " + query);
                    }
                }
            }
            Matcher matcher = MATCHER_LABELS.matcher(query);
            while (matcher.find()) {
                if (!labels.contains(matcher.group(1))) {
                    problems.add("unknown label " + matcher.group(1) + " in " + query);
                }
            }
        }
        for (String required : REQUIRED) {
            if (!used.contains(required)) {
                problems.add("no panel charts " + required);
            }
        }
        return problems;
    }

    @Test
    void dashboard_chartsTheSpecMetrics_withSeriesAndLabelsThatExist() throws Exception {
        String dashboard = read("grafana/widget-edge-dashboard.json");

        assertThat(dashboardQueries(dashboard)).hasSizeGreaterThanOrEqualTo(REQUIRED.size());
        assertThat(dashboardProblems(dashboard)).isEmpty();
    }

    @Test
    void brokenDashboard_isReported() throws Exception {
        String dashboard = read("grafana/widget-edge-dashboard.json");
        UnaryOperator<String> misspell = text -> text.replace("widget_gateway_store_requests_total",
                "widget_gateway_store_reads_total");

        assertThat(dashboardProblems(misspell.apply(dashboard)))
                .anySatisfy(problem -> assertThat(problem).startsWith("unknown series widget_gateway_store_reads_total"))
                .contains("no panel charts widget_gateway_store_requests_total");
        assertThat(dashboardProblems(dashboard.replace("by (outcome)", "by (reason)")))
                .anySatisfy(problem -> assertThat(problem).startsWith("unknown label reason"));
    }
}
