package dev.widgetedge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.gateway.GatewaySettings;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Checks {@code docker/compose.yaml} (and the Prometheus and Grafana files it mounts) against the
 * {@code widget-edge} command line, since no Docker engine runs where the tests do. A service runs
 * widget-edge when its image is {@code widget-edge…} or it builds {@code docker/Dockerfile}; its
 * {@code command} is then widget-edge's arguments and its {@code WIDGET_EDGE_*} variables are option
 * defaults, exactly as {@link EnvironmentDefaults} reads them.
 *
 * <p>Every problem is one line naming the service; an empty list means the file is consistent.
 */
final class ComposeChecker {

    /** The image's health check script ({@code docker/healthcheck.sh}). */
    static final String HEALTHCHECK = "/app/healthcheck";

    /** Entrypoints of the image that pass their arguments on to widget-edge unchanged. */
    static final Set<String> PASS_THROUGH_ENTRYPOINTS = Set.of("/app/create-admin-token");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern INTERPOLATION =
            Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    /**
     * The files to check.
     *
     * @param compose                the compose file's text
     * @param prometheus             the text of the Prometheus configuration the compose file mounts
     * @param grafanaDatasources     the text of Grafana's data source provisioning file, or {@code null}
     * @param healthcheckDefaultPort the port {@code /app/healthcheck} probes when given no port and no
     *                               {@code WIDGET_EDGE_OPS_PORT}
     */
    record Files(String compose, String prometheus, String grafanaDatasources, int healthcheckDefaultPort) {
    }

    /**
     * A service that runs widget-edge, as the command line reads it.
     *
     * @param command   the command below {@code widget-edge}, e.g. {@code gateway} or {@code tokens create}
     * @param listening the ports it binds (empty for a one-shot command)
     * @param opsPort   the port of {@code /metrics} and {@code /readyz}, or {@code null} for a one-shot
     */
    record WidgetEdgeService(String name, String command, Set<Integer> listening, Integer opsPort) {
        boolean isServer() {
            return opsPort != null;
        }
    }

    /** The outcome: the problems found, and what was understood (so a test can see it is not vacuous). */
    record Report(List<String> problems, Map<String, WidgetEdgeService> widgetEdgeServices,
            Set<String> scrapeTargets) {
    }

    private final Files files;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, JsonNode> services = new LinkedHashMap<>();
    private final Map<String, WidgetEdgeService> widgetEdge = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    private final Set<String> scrapeTargets = new LinkedHashSet<>();

    private ComposeChecker(Files files) {
        this.files = files;
    }

    static Report check(Files files) {
        ComposeChecker checker = new ComposeChecker(files);
        checker.run();
        return new Report(List.copyOf(checker.problems), Map.copyOf(checker.widgetEdge),
                Set.copyOf(checker.scrapeTargets));
    }

    private void run() {
        JsonNode root = read(files.compose());
        JsonNode servicesNode = root.path("services");
        if (!servicesNode.isObject() || servicesNode.isEmpty()) {
            problems.add("compose file: no services");
            return;
        }
        servicesNode.properties().forEach(entry -> services.put(entry.getKey(), entry.getValue()));
        for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
            environments.put(entry.getKey(), environment(entry.getKey(), entry.getValue()));
        }
        for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
            if (runsWidgetEdge(entry.getValue())) {
                readWidgetEdgeService(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
            checkDependencies(entry.getKey(), entry.getValue());
        }
        for (WidgetEdgeService service : widgetEdge.values()) {
            checkPorts(service);
            checkHealthcheck(service);
        }
        checkPrometheus();
        if (files.grafanaDatasources() != null) {
            checkGrafana();
        }
    }

    // ---- widget-edge services: options, variables, values, targets ---------------------------------

    private static boolean runsWidgetEdge(JsonNode service) {
        String image = service.path("image").asText("");
        JsonNode build = service.path("build");
        String dockerfile = build.isObject() ? build.path("dockerfile").asText("") : "";
        return image.startsWith("widget-edge") || dockerfile.endsWith("docker/Dockerfile");
    }

    private void readWidgetEdgeService(String name, JsonNode service) {
        JsonNode entrypoint = service.path("entrypoint");
        if (!entrypoint.isMissingNode() && !entrypoint.isNull()) {
            List<String> words = words(entrypoint);
            if (words.size() != 1 || !PASS_THROUGH_ENTRYPOINTS.contains(words.get(0))) {
                problems.add("service " + name + ": entrypoint " + words + " is not one that passes its arguments"
                        + " to widget-edge (" + PASS_THROUGH_ENTRYPOINTS + "), so its command cannot be checked");
                return;
            }
        }
        List<String> args = words(service.path("command"));
        Map<String, String> variables = new LinkedHashMap<>();
        environments.get(name).forEach((key, value) -> {
            if (key.startsWith(EnvironmentDefaults.PREFIX)) {
                variables.put(key, value);
            }
        });

        EnvironmentDefaults defaults = new EnvironmentDefaults(variables);
        CommandLine commandLine = CliModel.commandLine(defaults);
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            String line = new UsageErrors(defaults).parseError(e);
            problems.add("service " + name + ": widget-edge " + String.join(" ", args) + ": "
                    + line.substring(UsageErrors.PREFIX.length()));
            return;
        }
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        CommandSpec spec = leaf.commandSpec();
        String command = CliModel.nameBelowRoot(spec);
        if (command.isEmpty() || !spec.subcommands().isEmpty()) {
            problems.add("service " + name + ": command " + args + " runs no widget-edge command");
            return;
        }
        Set<String> known = new TreeSet<>();
        for (OptionSpec option : CliModel.options(spec)) {
            known.add(EnvironmentDefaults.variableFor(option.longestName()));
        }
        for (String variable : variables.keySet()) {
            if (!known.contains(variable)) {
                problems.add("service " + name + ": " + variable + " is not a variable of `widget-edge " + command
                        + "` (it has " + known + ")");
            }
        }

        Object userObject = spec.userObject();
        Set<Integer> listening = new TreeSet<>();
        Integer opsPort = null;
        try {
            if (userObject instanceof GatewayCommand gateway) {
                listening.add(gateway.port);
                opsPort = gateway.opsPort;
                GatewaySettings settings =
                        gateway.gateway.settings(Check.positive("--store-timeout", gateway.store.storeTimeout));
                checkRedis(name, gateway.store);
                checkUpstream(name, settings.upstream().uri());
            } else if (userObject instanceof AdminCommand admin) {
                listening.add(admin.port);
                opsPort = admin.opsPort;
                Check.positive("--store-timeout", admin.store.storeTimeout);
                checkRedis(name, admin.store);
            } else if (userObject instanceof DevCommand dev) {
                listening.add(dev.port);
                listening.add(dev.adminPort);
                opsPort = dev.opsPort;
                checkUpstream(name, dev.gateway.settings(GatewaySettings.DEFAULT_STORE_TIMEOUT).upstream().uri());
            } else if (userObject instanceof TokensCommand.Create create) {
                checkRedis(name, create.store);
            } else if (userObject instanceof TokensCommand.ListTokens list) {
                checkRedis(name, list.store);
            } else if (userObject instanceof TokensCommand.Revoke revoke) {
                checkRedis(name, revoke.store);
            } else {
                problems.add("service " + name + ": ComposeChecker does not know `widget-edge " + command
                        + "`; teach it which ports that command listens on");
            }
        } catch (UsageError | IllegalArgumentException e) {
            problems.add("service " + name + ": widget-edge " + String.join(" ", args) + ": " + e.getMessage());
        }
        if (opsPort != null) {
            listening.add(opsPort);
        }
        widgetEdge.put(name, new WidgetEdgeService(name, command, listening, opsPort));
    }

    private void checkRedis(String name, StoreOptions store) {
        String uri;
        try {
            uri = Check.present("--redis", store.redis, "a redis://, rediss:// or redis-sentinel:// URI");
        } catch (UsageError e) {
            problems.add("service " + name + ": " + e.getMessage());
            return;
        }
        RedisURI parsed = RedisConnector.parseUri(uri);
        if (parsed.getSentinels().isEmpty()) {
            checkTarget(name, "--redis", parsed.getHost(), parsed.getPort(), true);
        } else {
            for (RedisURI sentinel : parsed.getSentinels()) {
                checkTarget(name, "--redis", sentinel.getHost(), sentinel.getPort(), true);
            }
        }
    }

    private void checkUpstream(String name, URI upstream) {
        if (upstream == null) {
            return;
        }
        int port = upstream.getPort() >= 0 ? upstream.getPort() : "https".equals(upstream.getScheme()) ? 443 : 80;
        checkTarget(name, "--upstream", upstream.getHost(), port, false);
    }

    /** {@code option} of {@code name} points at {@code host:port}: a service here, listening there. */
    private void checkTarget(String name, String option, String host, int port, boolean mustBeHealthyFirst) {
        if (!services.containsKey(host)) {
            problems.add("service " + name + ": " + option + " points at " + host + ", which is not a service of"
                    + " the compose file " + services.keySet());
            return;
        }
        Set<Integer> declared = declaredPorts(host);
        if (!declared.contains(port)) {
            problems.add("service " + name + ": " + option + " points at " + host + ":" + port + ", but " + host
                    + " listens on " + declared);
        }
        if (mustBeHealthyFirst && !"service_healthy".equals(dependencyCondition(services.get(name), host))) {
            problems.add("service " + name + ": uses " + host + " (" + option + ") but does not depend on it with"
                    + " condition service_healthy");
        }
    }

    // ---- ports and health checks -------------------------------------------------------------------

    private void checkPorts(WidgetEdgeService service) {
        JsonNode node = services.get(service.name());
        for (JsonNode mapping : node.path("ports")) {
            Integer target = containerPort(mapping);
            if (target == null) {
                problems.add("service " + service.name() + ": cannot read port mapping " + mapping);
            } else if (!service.listening().contains(target)) {
                problems.add("service " + service.name() + ": port mapping " + mapping.asText(mapping.toString())
                        + " targets container port " + target + ", but `widget-edge " + service.command()
                        + "` listens on " + service.listening());
            }
        }
        for (JsonNode exposed : node.path("expose")) {
            Integer port = parsePort(exposed.asText());
            if (port == null || !service.listening().contains(port)) {
                problems.add("service " + service.name() + ": expose " + exposed.asText() + ", but `widget-edge "
                        + service.command() + "` listens on " + service.listening());
            }
        }
    }

    private void checkHealthcheck(WidgetEdgeService service) {
        JsonNode healthcheck = services.get(service.name()).path("healthcheck");
        if (!service.isServer()) {
            return;
        }
        if (healthcheck.path("disable").asBoolean(false)) {
            problems.add("service " + service.name() + ": its health check is disabled");
            return;
        }
        String probedFrom;
        Integer probed;
        JsonNode test = healthcheck.path("test");
        List<String> words = test.isMissingNode() ? List.of("CMD", HEALTHCHECK) : words(test);
        int script = words.indexOf(HEALTHCHECK);
        if (words.size() == 1 && words.get(0).contains(HEALTHCHECK)) {
            words = List.of(words.get(0).strip().split("\\s+"));
            script = words.indexOf(HEALTHCHECK);
        }
        if (script < 0) {
            problems.add("service " + service.name() + ": health check " + words + " does not run " + HEALTHCHECK
                    + ", so its port cannot be checked");
            return;
        }
        String variable = environments.get(service.name()).get("WIDGET_EDGE_OPS_PORT");
        if (script + 1 < words.size()) {
            probedFrom = "its argument";
            probed = parsePort(words.get(script + 1));
        } else if (variable != null) {
            probedFrom = "WIDGET_EDGE_OPS_PORT";
            probed = parsePort(variable);
        } else {
            probedFrom = "the script's default";
            probed = files.healthcheckDefaultPort();
        }
        if (!service.opsPort().equals(probed)) {
            problems.add("service " + service.name() + ": health check probes port " + probed + " (" + probedFrom
                    + "), but /readyz of `widget-edge " + service.command() + "` is on ops port "
                    + service.opsPort());
        }
    }

    private void checkDependencies(String name, JsonNode service) {
        JsonNode dependsOn = service.path("depends_on");
        List<String> targets = new ArrayList<>();
        if (dependsOn.isArray()) {
            dependsOn.forEach(target -> targets.add(target.asText()));
        } else if (dependsOn.isObject()) {
            dependsOn.fieldNames().forEachRemaining(targets::add);
        }
        for (String target : targets) {
            if (!services.containsKey(target)) {
                problems.add("service " + name + ": depends on " + target + ", which is not a service of the file");
                continue;
            }
            String condition = dependencyCondition(service, target);
            if ("service_healthy".equals(condition) && !hasHealthcheck(target)) {
                problems.add("service " + name + ": waits for " + target + " to be healthy, but " + target
                        + " has no health check");
            }
        }
    }

    private static String dependencyCondition(JsonNode service, String target) {
        JsonNode dependsOn = service.path("depends_on");
        if (dependsOn.isObject() && dependsOn.has(target)) {
            return dependsOn.path(target).path("condition").asText("service_started");
        }
        return dependsOn.isArray() ? "service_started" : null;
    }

    private boolean hasHealthcheck(String name) {
        JsonNode healthcheck = services.get(name).path("healthcheck");
        if (healthcheck.path("disable").asBoolean(false)) {
            return false;
        }
        return healthcheck.has("test") || runsWidgetEdge(services.get(name));
    }

    /** The ports a service is known to listen on: widget-edge's from its options, others' as declared. */
    private Set<Integer> declaredPorts(String name) {
        WidgetEdgeService service = widgetEdge.get(name);
        if (service != null) {
            return service.listening();
        }
        Set<Integer> ports = new TreeSet<>();
        JsonNode node = services.get(name);
        for (JsonNode exposed : node.path("expose")) {
            Integer port = parsePort(exposed.asText());
            if (port != null) {
                ports.add(port);
            }
        }
        for (JsonNode mapping : node.path("ports")) {
            Integer port = containerPort(mapping);
            if (port != null) {
                ports.add(port);
            }
        }
        return ports;
    }

    // ---- Prometheus and Grafana --------------------------------------------------------------------

    private void checkPrometheus() {
        String prometheus = null;
        for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
            if (entry.getValue().path("image").asText("").startsWith("prom/prometheus")) {
                prometheus = entry.getKey();
            }
        }
        if (prometheus == null) {
            problems.add("compose file: no Prometheus service (image prom/prometheus)");
            return;
        }
        boolean mounted = false;
        for (JsonNode volume : services.get(prometheus).path("volumes")) {
            mounted |= volume.asText("").startsWith("./prometheus.yml:");
        }
        if (!mounted) {
            problems.add("service " + prometheus + ": does not mount ./prometheus.yml, the file this check reads");
        }
        JsonNode config = read(files.prometheus());
        for (JsonNode job : config.path("scrape_configs")) {
            String jobName = job.path("job_name").asText("?");
            String path = job.path("metrics_path").asText("/metrics");
            if (!path.equals("/metrics")) {
                problems.add("prometheus job " + jobName + ": metrics_path " + path + ", but widget-edge serves /metrics");
            }
            for (JsonNode staticConfig : job.path("static_configs")) {
                for (JsonNode target : staticConfig.path("targets")) {
                    checkScrapeTarget(jobName, target.asText());
                }
            }
        }
        for (WidgetEdgeService service : widgetEdge.values()) {
            if (service.isServer() && !scrapeTargets.contains(service.name() + ":" + service.opsPort())) {
                problems.add("service " + service.name() + ": Prometheus does not scrape its ops port ("
                        + service.name() + ":" + service.opsPort() + ")");
            }
        }
    }

    private void checkScrapeTarget(String job, String target) {
        int colon = target.lastIndexOf(':');
        String host = colon < 0 ? target : target.substring(0, colon);
        Integer port = colon < 0 ? Integer.valueOf(80) : parsePort(target.substring(colon + 1));
        scrapeTargets.add(target);
        if (!services.containsKey(host)) {
            problems.add("prometheus job " + job + ": target " + target + " is not a service of the compose file");
            return;
        }
        WidgetEdgeService service = widgetEdge.get(host);
        if (service != null && !service.isServer()) {
            problems.add("prometheus job " + job + ": target " + target + " runs `widget-edge " + service.command()
                    + "`, which serves no metrics");
        } else if (service != null && !service.opsPort().equals(port)) {
            problems.add("prometheus job " + job + ": target " + target + ", but /metrics of " + host
                    + " is on ops port " + service.opsPort());
        } else if (service == null && !declaredPorts(host).contains(port)) {
            problems.add("prometheus job " + job + ": target " + target + ", but " + host + " listens on "
                    + declaredPorts(host));
        }
    }

    private void checkGrafana() {
        for (JsonNode source : read(files.grafanaDatasources()).path("datasources")) {
            URI url;
            try {
                url = new URI(source.path("url").asText(""));
            } catch (URISyntaxException e) {
                problems.add("grafana data source " + source.path("name").asText() + ": bad url");
                continue;
            }
            String host = url.getHost();
            int port = url.getPort() >= 0 ? url.getPort() : 80;
            if (host == null || !services.containsKey(host)) {
                problems.add("grafana data source " + source.path("name").asText() + ": " + url
                        + " is not a service of the compose file");
            } else if (!declaredPorts(host).contains(port)) {
                problems.add("grafana data source " + source.path("name").asText() + ": " + url + ", but " + host
                        + " listens on " + declaredPorts(host));
            }
        }
    }

    // ---- reading compose values --------------------------------------------------------------------

    private Map<String, String> environment(String name, JsonNode service) {
        Map<String, String> environment = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                environment.put(field.getKey(), interpolate(name, field.getValue().asText("")));
            }
        } else if (node.isArray()) {
            for (JsonNode entry : node) {
                String text = entry.asText();
                int equals = text.indexOf('=');
                if (equals > 0) {
                    environment.put(text.substring(0, equals), interpolate(name, text.substring(equals + 1)));
                }
            }
        }
        return environment;
    }

    /** Compose's {@code ${NAME:-default}} with nothing set, as a fresh checkout runs it. */
    private String interpolate(String service, String value) {
        Matcher matcher = INTERPOLATION.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group().equals("$$")) {
                replacement = "$";
            } else if (matcher.group(2) != null) {
                replacement = matcher.group(2);
            } else {
                problems.add("service " + service + ": " + matcher.group() + " has no default, so its value is unknown");
                replacement = "";
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private List<String> words(JsonNode node) {
        List<String> words = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(word -> words.add(word.asText()));
        } else if (node.isTextual()) {
            words.addAll(List.of(CommandLineSplitter.split(node.asText())));
        }
        return words;
    }

    private static Integer containerPort(JsonNode mapping) {
        if (mapping.isObject()) {
            return parsePort(mapping.path("target").asText(""));
        }
        String text = mapping.asText();
        int colon = text.lastIndexOf(':');
        return parsePort(colon < 0 ? text : text.substring(colon + 1));
    }

    private static Integer parsePort(String text) {
        String bare = text.strip();
        int slash = bare.indexOf('/');
        if (slash >= 0) {
            bare = bare.substring(0, slash);
        }
        try {
            int port = Integer.parseInt(bare);
            return port >= 0 && port <= 65535 ? port : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode read(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML: " + e.getMessage(), e);
        }
    }
}
