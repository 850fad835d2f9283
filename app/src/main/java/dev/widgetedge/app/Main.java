package dev.widgetedge.app;

import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.server.ServerStartException;
import java.io.PrintWriter;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code widget-edge} executable. Exit codes: 0 done, 1 a runtime failure (port taken, store
 * unreachable for a one-shot command), 2 a usage error (unknown option, bad value) reported in
 * one line that names the option.
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
        return commandLine(new EnvironmentDefaults(environment), signal, out, err).execute(args);
    }

    /**
     * The whole command tree, ready to execute: subcommands, environment defaults, one-line usage
     * errors, logging set up before a command runs. Tests read the options from it too.
     */
    static CommandLine commandLine(EnvironmentDefaults defaults, ShutdownSignal signal, PrintWriter out,
            PrintWriter err) {
        WidgetEdgeCommand root = new WidgetEdgeCommand();
        return new CommandLine(root)
                .addSubcommand(new GatewayCommand(signal))
                .addSubcommand(new AdminCommand(signal))
                .addSubcommand(new DevCommand(signal))
                .addSubcommand(TokensCommand.class)
                .setDefaultValueProvider(defaults)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler((error, ignoredArgs) -> usageError(error, defaults, err))
                .setExecutionExceptionHandler((error, cmd, parseResult) -> executionError(error, err))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionStrategy(parseResult -> {
                    LogSettings.apply(root.logFormat, root.accessLog);
                    return new CommandLine.RunLast().execute(parseResult);
                });
    }

    private static int usageError(ParameterException error, EnvironmentDefaults defaults, PrintWriter err) {
        String source = error.getArgSpec() == null ? null : defaults.sourceOf(error.getArgSpec());
        err.println("widget-edge: " + error.getMessage() + (source == null ? "" : " (from " + source + ")"));
        err.flush();
        return EXIT_USAGE;
    }

    private static int executionError(Exception error, PrintWriter err) {
        if (error instanceof UsageError) {
            err.println("widget-edge: " + error.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        if (error instanceof StoreException || error instanceof ServerStartException) {
            err.println("widget-edge: " + error.getMessage());
            err.flush();
            return EXIT_FAILURE;
        }
        LoggerFactory.getLogger(Main.class).error("widget-edge failed", error);
        return EXIT_FAILURE;
    }
}
