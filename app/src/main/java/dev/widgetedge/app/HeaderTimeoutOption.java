package dev.widgetedge.app;

import dev.widgetedge.server.HeaderTimeout;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --header-timeout}, shared by the commands that serve clients: the gateway's (in
 * {@link GatewayOptions}) and the admin API's; {@code dev} applies it to both.
 */
final class HeaderTimeoutOption {

    @Option(names = "--header-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a client may take to send a request head once it has started one; "
                    + "408 after (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout = HeaderTimeout.DEFAULT;

    /** The validated value. */
    Duration value() {
        return Check.positive("--header-timeout", headerTimeout);
    }
}
