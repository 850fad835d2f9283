package dev.widgetedge.app;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --drain-timeout}, shared by the commands that run servers. */
final class DrainOption {

    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "On SIGTERM, how long in-flight requests may take to finish (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;

    /** The validated value. */
    Duration value() {
        return Check.notNegative("--drain-timeout", drainTimeout);
    }
}
