package dev.widgetedge.app;

import picocli.CommandLine.Command;

/** The top-level {@code widget-edge} command; its subcommands do the work. */
@Command(name = "widget-edge", mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Origin-validation edge gateway for embeddable website widgets.",
        footer = "%nEvery option can also be set with an environment variable: --store-timeout <=> "
                + "WIDGET_EDGE_STORE_TIMEOUT.")
final class WidgetEdgeCommand {
}
