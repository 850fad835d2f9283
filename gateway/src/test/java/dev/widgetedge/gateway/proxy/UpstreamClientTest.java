package dev.widgetedge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.server.EventLoops;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link UpstreamClient}'s reading of {@code --upstream}. */
class UpstreamClientTest {

    private static EventLoops loops;

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create();
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @Test
    void authority_keepsAnExplicitPort() {
        assertThat(authorityOf("http://backend.internal:8080")).isEqualTo("backend.internal:8080");
    }

    @Test
    void authority_omitsADefaultPortThatWasNotWritten() {
        assertThat(authorityOf("https://backend.internal")).isEqualTo("backend.internal");
        assertThat(authorityOf("http://backend.internal/")).isEqualTo("backend.internal");
    }

    @Test
    void authority_keepsTheBracketsOfAnIpv6Literal() {
        assertThat(authorityOf("http://[::1]:9000")).isEqualTo("[::1]:9000");
    }

    @Test
    void create_requiresAnUpstream() {
        assertThatThrownBy(() -> UpstreamClient.create(GatewaySettings.defaults(), loops))
                .isInstanceOf(NullPointerException.class);
    }

    private static String authorityOf(String upstream) {
        try (UpstreamClient client = UpstreamClient.create(GatewaySettings.builder().upstream(URI.create(upstream)).build(),
                loops)) {
            return client.authority().toString();
        }
    }
}
