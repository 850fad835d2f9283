package dev.widgetedge.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The picocli model of {@code widget-edge}, built as {@link Main#run} builds it, for tests that
 * check documents (the README, docker/compose.yaml) against the real options and defaults.
 */
final class CliModel {

    private CliModel() {
    }

    /**
     * The command tree with {@code environment} as the source of option defaults, wired as in
     * {@link Main#run} (same subcommands, same parser settings). {@link #subcommandNamesOfMain()}
     * lets a test notice when the two drift apart.
     */
    static CommandLine commandLine(Map<String, String> environment) {
        ShutdownSignal signal = new ShutdownSignal();
        return new CommandLine(new WidgetEdgeCommand())
                .addSubcommand(new GatewayCommand(signal))
                .addSubcommand(new AdminCommand(signal))
                .addSubcommand(new DevCommand(signal))
                .addSubcommand(TokensCommand.class)
                .setDefaultValueProvider(new EnvironmentDefaults(environment))
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Every runnable command by its name below {@code widget-edge} ({@code gateway}, {@code admin},
     * {@code dev}, {@code tokens create}, …): the commands that have no subcommands.
     */
    static Map<String, CommandSpec> leafCommands() {
        Map<String, CommandSpec> leaves = new LinkedHashMap<>();
        collectLeaves(commandLine(Map.of()), leaves);
        return leaves;
    }

    private static void collectLeaves(CommandLine commandLine, Map<String, CommandSpec> leaves) {
        if (commandLine.getSubcommands().isEmpty()) {
            leaves.put(nameBelowRoot(commandLine.getCommandSpec()), commandLine.getCommandSpec());
            return;
        }
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            collectLeaves(sub, leaves);
        }
    }

    /** {@code widget-edge tokens create} → {@code tokens create}. */
    static String nameBelowRoot(CommandSpec spec) {
        String qualified = spec.qualifiedName(" ");
        int space = qualified.indexOf(' ');
        return space < 0 ? "" : qualified.substring(space + 1);
    }

    /** The options an operator sets ({@code --help} and {@code --version} left out), inherited ones included. */
    static List<OptionSpec> options(CommandSpec spec) {
        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                options.add(option);
            }
        }
        return options;
    }

    /** The subcommands that {@code widget-edge --help}, run through {@link Main#run}, lists. */
    static List<String> subcommandNamesOfMain() {
        StringWriter out = new StringWriter();
        Main.run(new String[] {"--help"}, Map.of(), new ShutdownSignal(), new PrintWriter(out),
                new PrintWriter(new StringWriter()));
        List<String> names = new ArrayList<>();
        boolean inCommands = false;
        for (String line : out.toString().lines().toList()) {
            if (line.startsWith("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.length() > 2 && line.startsWith("  ") && line.charAt(2) != ' ') {
                // "  gateway  Run the gateway…"; wrapped descriptions are indented further.
                names.add(line.strip().split("\\s+")[0]);
            } else if (inCommands && !line.startsWith(" ")) {
                inCommands = false;
            }
        }
        return names;
    }
}
