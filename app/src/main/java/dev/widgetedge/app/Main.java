package dev.widgetedge.app;

import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.server.ServerStartException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code widget-edge} executable. Exit codes: 0 done, 1 a runtime failure (port taken, store
 * unreachable for a one-shot command), 2 a usage error (unknown option, bad value) reported in
 * one line that names the option ({@link UsageErrors}). A {@code WIDGET_EDGE_*} variable that
 * names no option is warned about on stderr before the command runs.
 */
public final class Main {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), ShutdownSignal.install(), new PrintWriter(System.out, true),
                new PrintWriter(System.err, true)));
    }

    /** Runs one command line; separated from {@link #main} so tests can run it in-process. */
    static int run(String[] args, Map<String, String> environment, ShutdownSignal signal, PrintWriter out,
            PrintWriter err) {
        EnvironmentDefaults defaults = new EnvironmentDefaults(environment);
        CommandLine commandLine = commandLine(defaults, signal, out, err);
        for (String warning : defaults.unknownVariableWarnings(optionNames(commandLine))) {
            err.println(UsageErrors.PREFIX + "warning: " + warning);
        }
        err.flush();
        return commandLine.execute(args);
    }

    /** The long names of the options of {@code commandLine} and all its subcommands. */
    static Set<String> optionNames(CommandLine commandLine) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            names.add(option.longestName());
        }
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            names.addAll(optionNames(sub));
        }
        return names;
    }

    /**
     * The whole command tree, ready to execute: subcommands, environment defaults, one-line usage
     * errors, logging set up before a command runs. Tests read the options from it too.
     */
    static CommandLine commandLine(EnvironmentDefaults defaults, ShutdownSignal signal, PrintWriter out,
            PrintWriter err) {
        WidgetEdgeCommand root = new WidgetEdgeCommand();
        UsageErrors usageErrors = new UsageErrors(defaults);
        return new CommandLine(root)
                .addSubcommand(new GatewayCommand(signal))
                .addSubcommand(new AdminCommand(signal))
                .addSubcommand(new DevCommand(signal))
                .addSubcommand(TokensCommand.class)
                .setDefaultValueProvider(defaults)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler((error, ignoredArgs) -> {
                    err.println(usageErrors.parseError(error));
                    err.flush();
                    return EXIT_USAGE;
                })
                .setExecutionExceptionHandler((error, command, parseResult) ->
                        executionError(error, command, usageErrors, err))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionStrategy(parseResult -> {
                    LogSettings.apply(root.logFormat, root.accessLog);
                    return new CommandLine.RunLast().execute(parseResult);
                });
    }

    private static int executionError(Exception error, CommandLine command, UsageErrors usageErrors,
            PrintWriter err) {
        if (error instanceof UsageError usage) {
            err.println(usageErrors.usageError(usage, command));
            err.flush();
            return EXIT_USAGE;
        }
        if (error instanceof StoreException || error instanceof ServerStartException) {
            err.println(UsageErrors.PREFIX + error.getMessage());
            err.flush();
            return EXIT_FAILURE;
        }
        LoggerFactory.getLogger(Main.class).error("widget-edge failed", error);
        return EXIT_FAILURE;
    }
}
