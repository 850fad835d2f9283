package dev.widgetedge.gateway.pipeline;

import static dev.widgetedge.gateway.pipeline.Http.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.gateway.pipeline.Responder.Answer;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link BootstrapResponder}: the allowed bootstrap answer, {@code {key_id, account_id, agent_id}}. */
class BootstrapResponderTest {

    private static final UUID KEY_ID = UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e");
    private static final String URI = "/v1/widget/bootstrap?key=pk_live_x";

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final BootstrapResponder responder = new BootstrapResponder();

    @AfterEach
    void everythingIsReleased() {
        allocator.assertAllReleased();
    }

    private FullHttpResponse bootstrap(HttpMethod method, Decision.Allowed allowed) {
        Answer answer = responder.respond(Exchanges.allowed(method, URI, ACME, allowed), Http.head(method, URI, ACME),
                allocator);

        assertThat(answer.outcome()).isEqualTo(RequestOutcome.ALLOWED);
        return answer.response();
    }

    @Test
    void anAllowedBootstrap_is200Json_withTheKeyAccountAndAgent() {
        FullHttpResponse response = bootstrap(HttpMethod.GET, new Decision.Allowed(KEY_ID, "acct_123", "agent_7", false));

        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                .isEqualTo(response.content().readableBytes());
        assertThat(Http.json(response)).containsExactly(Map.entry("key_id", KEY_ID.toString()),
                Map.entry("account_id", "acct_123"), Map.entry("agent_id", "agent_7"));
        Http.release(response);
    }

    @Test
    void anUnpinnedKey_hasANullAgent() {
        FullHttpResponse response = bootstrap(HttpMethod.GET, new Decision.Allowed(KEY_ID, "acct_123", null, false));

        assertThat(Http.body(response)).contains("\"agent_id\":null");
        assertThat(Http.json(response)).containsEntry("agent_id", null);
        Http.release(response);
    }

    @Test
    void quotesAndBackslashesInIds_areEscaped() {
        FullHttpResponse response = bootstrap(HttpMethod.GET,
                new Decision.Allowed(KEY_ID, "acct\"1\\", "agent\n\u00e9", false));

        assertThat(Http.json(response)).containsEntry("account_id", "acct\"1\\").containsEntry("agent_id", "agent\n\u00e9");
        Http.release(response);
    }

    @Test
    void head_hasTheHeadersOfGet_andNoBody() {
        FullHttpResponse get = bootstrap(HttpMethod.GET, new Decision.Allowed(KEY_ID, "acct_123", null, false));
        int length = get.content().readableBytes();
        Http.release(get);

        FullHttpResponse head = bootstrap(HttpMethod.HEAD, new Decision.Allowed(KEY_ID, "acct_123", null, false));

        assertThat(head.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(head.content().readableBytes()).isZero();
        assertThat(head.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(length);
        assertThat(head.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        Http.release(head);
    }
}
