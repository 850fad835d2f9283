package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps the reference tables of the docs in step with the code: the options table of
 * {@value #CONFIGURATION} with picocli's options and defaults, and the tables of {@value #METRICS}
 * with what {@code /metrics} really serves. Each check also runs on a broken copy of the page.
 */
class ConfigurationReferenceTest {

    /** The table's command columns; {@code tokens} stands for {@code tokens create|list|revoke}. */
    private static final List<String> COLUMNS = List.of("gateway", "admin", "dev", "tokens");
    private static final String ABSENT = "—";
    static final String CONFIGURATION = "docs/configuration.md";
    static final String METRICS = "docs/metrics.md";

    // ---- the configuration table ---------------------------------------------------------------------

    /** Each column's options, by long name, with picocli's default ({@code null}: none). */
    private static Map<String, Map<String, String>> cliOptions() {
        Map<String, Map<String, String>> columns = new LinkedHashMap<>();
        COLUMNS.forEach(column -> columns.put(column, new LinkedHashMap<>()));
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, CommandSpec> command : CliModel.leafCommands().entrySet()) {
            String column = command.getKey().split(" ")[0];
            Map<String, String> options = columns.get(column);
            if (options == null) {
                problems.add("the table has no column for `" + command.getKey() + "`");
                continue;
            }
            for (OptionSpec option : CliModel.options(command.getValue())) {
                String builtIn = EnvironmentDefaults.builtIn(option);
                String value = builtIn == null || builtIn.isEmpty() ? null : builtIn;
                if (options.containsKey(option.longestName()) && !equal(options.get(option.longestName()), value)) {
                    problems.add(option.longestName() + " has different defaults within `" + column + "`");
                }
                options.put(option.longestName(), value);
            }
        }
        assertThat(problems).isEmpty();
        return columns;
    }

    private static boolean equal(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    /** Where the table disagrees with the command line; empty when it is right. */
    static List<String> configurationProblems(String page) {
        List<MarkdownDocs.Table> tables = MarkdownDocs.tables(MarkdownDocs.section(page, "Options"))
                .stream().filter(table -> table.header().get(0).equals("option")).toList();
        if (tables.size() != 1) {
            return List.of("\"Options\" should have one table whose first column is \"option\", has "
                    + tables.size());
        }
        MarkdownDocs.Table table = tables.get(0);
        List<String> problems = new ArrayList<>();
        Map<String, Integer> columnIndex = new LinkedHashMap<>();
        for (String column : COLUMNS) {
            int index = table.header().indexOf("`" + column + "`");
            if (index < 0) {
                problems.add("no column `" + column + "`");
            }
            columnIndex.put(column, index);
        }
        if (!problems.isEmpty()) {
            return problems;
        }

        Map<String, Map<String, String>> cli = cliOptions();
        Map<String, Set<String>> listed = new LinkedHashMap<>();
        COLUMNS.forEach(column -> listed.put(column, new LinkedHashSet<>()));
        for (List<String> row : table.rows()) {
            List<String> names = MarkdownDocs.codeSpans(row.get(0));
            if (names.size() != 1 || !names.get(0).startsWith("--")) {
                problems.add("row " + row + ": the first cell should be one option, e.g. `--port`");
                continue;
            }
            String option = names.get(0);
            if (row.size() != table.header().size() || row.get(row.size() - 1).isBlank()) {
                problems.add(option + ": every row has a cell per column and a meaning");
                continue;
            }
            boolean anywhere = false;
            for (String column : COLUMNS) {
                String cell = row.get(columnIndex.get(column));
                Map<String, String> options = cli.get(column);
                boolean exists = options.containsKey(option);
                anywhere |= exists;
                if (cell.equals(ABSENT)) {
                    if (exists) {
                        problems.add(option + ": `" + column + "` has it, but the table says " + ABSENT);
                    }
                    continue;
                }
                listed.get(column).add(option);
                if (!exists) {
                    problems.add(option + ": `" + column + "` has no such option, but the table says " + cell);
                    continue;
                }
                String defaultValue = options.get(option);
                String documented = cell.startsWith("`") ? MarkdownDocs.codeSpans(cell).get(0) : null;
                if (!equal(documented, defaultValue)) {
                    problems.add(option + " of `" + column + "`: the table says " + cell + ", the default is "
                            + (defaultValue == null ? "none (write a word such as none, required or off)"
                                    : "`" + defaultValue + "`"));
                }
            }
            if (!anywhere) {
                problems.add(option + ": no command has this option");
            }
        }
        for (String column : COLUMNS) {
            Set<String> missing = new TreeSet<>(cli.get(column).keySet());
            missing.removeAll(listed.get(column));
            for (String option : missing) {
                String defaultValue = cli.get(column).get(option);
                problems.add(option + " of `" + column + "` is missing from the table (default: "
                        + (defaultValue == null ? "none" : "`" + defaultValue + "`") + ")");
            }
        }
        return problems;
    }

    @Test
    void configurationTable_listsEveryOptionOfEveryCommand_withPicocliDefaults() throws IOException {
        assertThat(configurationProblems(MarkdownDocs.read(CONFIGURATION))).isEmpty();
    }

    @Test
    void configurationTable_coversTheCommandsTheCliHas() {
        Map<String, Map<String, String>> cli = cliOptions();

        assertThat(cli.get("gateway")).containsEntry("--cache-ttl", "30s").containsEntry("--ops-port", "9090");
        assertThat(cli.get("admin")).containsEntry("--ops-port", "9091").doesNotContainKey("--cache-ttl");
        assertThat(cli.get("dev")).containsEntry("--host", "127.0.0.1").doesNotContainKey("--redis");
        assertThat(cli.get("tokens")).containsKeys("--account", "--all-accounts", "--redis", "--store-timeout");
    }

    @Test
    void brokenTable_isReported() throws IOException {
        String page = MarkdownDocs.read(CONFIGURATION);
        String section = MarkdownDocs.section(page, "Options");
        String cacheTtlRow = section.lines().filter(line -> line.startsWith("| `--cache-ttl` |")).findFirst()
                .orElseThrow();

        assertThat(configurationProblems(page.replace(cacheTtlRow + "\n", "")))
                .contains("--cache-ttl of `gateway` is missing from the table (default: `30s`)",
                        "--cache-ttl of `dev` is missing from the table (default: `30s`)");
        assertThat(configurationProblems(page.replace(cacheTtlRow, cacheTtlRow.replaceFirst("`30s`", "`60s`"))))
                .containsExactly("--cache-ttl of `gateway`: the table says `60s`, the default is `30s`");
        assertThat(configurationProblems(page.replace(cacheTtlRow,
                cacheTtlRow + "\n" + cacheTtlRow.replace("--cache-ttl", "--cache-ttl-jitter"))))
                .contains("--cache-ttl-jitter: no command has this option");
        assertThat(configurationProblems(page.replace(cacheTtlRow,
                cacheTtlRow.replaceFirst("\\| — \\|", "| `30s` |"))))
                .containsExactly("--cache-ttl: `admin` has no such option, but the table says `30s`");
    }

    // ---- the metrics reference -----------------------------------------------------------------------

    /** Where the metrics reference disagrees with {@code /metrics}; empty when it is right. */
    static List<String> metricsProblems(String page) throws Exception {
        String section = page;
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (MarkdownDocs.Table table : MarkdownDocs.tables(section)) {
            if (!table.header().equals(List.of("metric", "type", "labels", "meaning"))) {
                continue;
            }
            for (List<String> row : table.rows()) {
                List<String> names = MarkdownDocs.codeSpans(row.get(0));
                if (!names.isEmpty()) {
                    rows.put(names.get(0), row);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, LiveMetrics.Family> families = LiveMetrics.families();
        for (LiveMetrics.Family family : families.values()) {
            if (!family.name().startsWith("widget_") && !family.name().startsWith("cache_")) {
                continue;
            }
            String base = family.name().endsWith("_max")
                    ? family.name().substring(0, family.name().length() - 4) : null;
            if (!rows.containsKey(family.name()) && base != null && rows.containsKey(base)) {
                if (!rows.get(base).get(3).contains("`_max`")) {
                    problems.add(family.name() + ": the row of " + base + " should mention `_max`");
                }
                continue;
            }
            List<String> row = rows.get(family.name());
            if (row == null) {
                problems.add(family.name() + " (" + family.type() + ", labels " + family.labels()
                        + ") is missing from the metrics reference");
                continue;
            }
            if (!row.get(1).equals(family.type())) {
                problems.add(family.name() + ": the reference says " + row.get(1) + ", it is a " + family.type());
            }
            Set<String> labels = new TreeSet<>(MarkdownDocs.codeSpans(row.get(2)));
            if (!labels.equals(family.labels())) {
                problems.add(family.name() + ": the reference lists labels " + labels + ", it has " + family.labels());
            }
        }
        for (String name : rows.keySet()) {
            if (!families.containsKey(name)) {
                problems.add(name + " is in the metrics reference but not on /metrics");
            }
        }
        return problems;
    }

    @Test
    void metricsReference_listsEveryWidgetAndCacheMetric_withItsTypeAndLabels() throws Exception {
        assertThat(metricsProblems(MarkdownDocs.read(METRICS))).isEmpty();
    }

    @Test
    void brokenMetricsReference_isReported() throws Exception {
        String page = MarkdownDocs.read(METRICS);
        String row = page.lines()
                .filter(line -> line.startsWith("| `widget_gateway_store_requests_total` |")).findFirst().orElseThrow();

        assertThat(metricsProblems(page.replace(row + "\n", "")))
                .containsExactly("widget_gateway_store_requests_total (counter, labels [result]) is missing from the"
                        + " metrics reference");
        assertThat(metricsProblems(page.replace(row, row.replace("`result`", "`outcome`"))))
                .containsExactly("widget_gateway_store_requests_total: the reference lists labels [outcome], it has"
                        + " [result]");
        assertThat(metricsProblems(page.replace(row, row.replace("| counter |", "| gauge |"))))
                .containsExactly("widget_gateway_store_requests_total: the reference says gauge, it is a counter");
    }
}
