package dev.widgetedge.app;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --drain-timeout}, shared by the commands that run servers. */
final class DrainOption {

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "On SIGTERM, how long in-flight requests may take to finish (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    /** The validated value. */
    Duration value() {
        return Check.notNegative("--drain-timeout", drainTimeout);
    }
}
