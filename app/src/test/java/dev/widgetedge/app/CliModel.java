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
 * check documents (docs/configuration.md, docker/compose.yaml) against the real options and defaults.
 */
final class CliModel {

    private CliModel() {
    }

    /** The command tree of {@link Main#commandLine}, with {@code environment} as the source of defaults. */
    static CommandLine commandLine(Map<String, String> environment) {
        return commandLine(new EnvironmentDefaults(environment));
    }

    /** As {@link #commandLine(Map)}, with {@code defaults} (which remember which variables they supplied). */
    static CommandLine commandLine(EnvironmentDefaults defaults) {
        PrintWriter discard = new PrintWriter(new StringWriter());
        return Main.commandLine(defaults, new ShutdownSignal(), discard, discard);
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
}
