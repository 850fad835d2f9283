package dev.widgetedge.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top-level {@code widget-edge} command; its subcommands do the work. The logging options are
 * inherited: every subcommand takes them ({@code widget-edge gateway --log-format json}).
 */
@Command(name = "widget-edge", mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Origin-validation edge gateway for embeddable website widgets.",
        footer = "%nEvery option can also be set with an environment variable: --store-timeout <=> "
                + "WIDGET_EDGE_STORE_TIMEOUT.")
final class WidgetEdgeCommand {

    @Option(names = "--log-format", paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            converter = LogSettings.FormatConverter.class,
            description = "Log lines as text or json, one event per line on stderr (default: ${DEFAULT-VALUE}).")
    LogSettings.Format logFormat = LogSettings.DEFAULT_FORMAT;

    @Option(names = "--access-log", scope = ScopeType.INHERIT,
            description = "Also log one line per answered request (method, path without query, status, time).")
    boolean accessLog;
}
