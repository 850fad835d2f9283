package dev.widgetedge.gateway;

import dev.widgetedge.server.HeaderTimeout;
import java.time.Duration;

/**
 * How the gateway treats client connections on its public port.
 *
 * @param idleTimeout   how long a client connection may stay quiet before it is closed
 * @param headerTimeout how long a client may take to send a request head once it has started it
 *                      ({@code 408} after)
 */
public record ConnectionSettings(Duration idleTimeout, Duration headerTimeout) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_HEADER_TIMEOUT = HeaderTimeout.DEFAULT;

    public ConnectionSettings {
        SettingsChecks.positive("--idle-timeout", idleTimeout);
        SettingsChecks.positive("--header-timeout", headerTimeout);
    }
}
