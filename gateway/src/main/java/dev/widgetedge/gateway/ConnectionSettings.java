package dev.widgetedge.gateway;

import java.time.Duration;

/**
 * How the gateway treats client connections on its public port.
 *
 * @param idleTimeout how long a client connection may stay quiet before it is closed
 */
public record ConnectionSettings(Duration idleTimeout) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public ConnectionSettings {
        SettingsChecks.positive("--idle-timeout", idleTimeout);
    }
}
