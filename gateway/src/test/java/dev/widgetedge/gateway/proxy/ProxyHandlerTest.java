package dev.widgetedge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.metrics.RequestOutcome;
import dev.widgetedge.gateway.pipeline.Exchange;
import dev.widgetedge.gateway.pipeline.ExchangeTestAccess;
import dev.widgetedge.gateway.pipeline.GatewayRoute;
import dev.widgetedge.server.EventLoops;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ProxyHandler} on an {@link EmbeddedChannel}, for the paths that never reach the upstream:
 * what it answers and that every buffer it was given is released.
 */
class ProxyHandlerTest {

    private static final int MAX_BODY = 1024;
    private static final String MESSAGES = "/v1/widget/messages";
    private static final Decision.Allowed ALLOWED =
            new Decision.Allowed(UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"), "acct_123", null, false);

    private static EventLoops loops;
    private static UpstreamClient upstream;

    private final RecordingMetrics metrics = new RecordingMetrics();

    @BeforeAll
    static void startClient() {
        // Nothing listens there; these tests must not try.
        GatewaySettings settings = GatewaySettings.builder().upstream(URI.create("http://127.0.0.1:1"))
                .upstreamTimeout(Duration.ofSeconds(1)).maxProxyBodyBytes(MAX_BODY).build();
        loops = EventLoops.create();
        upstream = UpstreamClient.create(settings, loops);
    }

    @AfterAll
    static void stopClient() {
        upstream.close();
        loops.close();
    }

    @Test
    void declaredBodyOverTheLimit_is413WithoutContactingTheUpstream() {
        EmbeddedChannel channel = newChannel();
        Exchange exchange = allow(channel);
        HttpRequest request = post();
        HttpUtil.setContentLength(request, MAX_BODY + 1);
        ByteBuf first = bytes(MAX_BODY / 2);
        ByteBuf rest = bytes(MAX_BODY / 2 + 1);

        channel.writeInbound(request, new DefaultHttpContent(first), new DefaultLastHttpContent(rest));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(413);
            assertThat(response.headers().get("Connection")).isEqualTo("close");
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .contains("\"error\":\"body_too_large\"");
        } finally {
            response.release();
        }
        assertThat(exchange.outcome()).isEqualTo(RequestOutcome.TOO_LARGE);
        assertThat(metrics.upstreamStatuses()).isEmpty();
        assertThat(first.refCnt()).isZero();
        assertThat(rest.refCnt()).isZero();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void fullRequestDeclaredOverTheLimit_is413AndItsBodyReleased() {
        EmbeddedChannel channel = newChannel();
        allow(channel);
        ByteBuf body = bytes(MAX_BODY + 1);
        DefaultFullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/widget/messages", body);
        HttpUtil.setContentLength(request, MAX_BODY + 1);

        channel.writeInbound(request);

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(413);
        response.release();
        assertThat(body.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void requestWithoutAnAllowedDecision_isNeverForwarded() {
        EmbeddedChannel channel = newChannel();
        ExchangeTestAccess.start(channel, GatewayRoute.PROXY, "https://acme.com", MESSAGES);
        ByteBuf body = bytes(10);

        channel.writeInbound(post(), new DefaultLastHttpContent(body));

        assertThat(channel.isOpen()).isFalse();
        assertThat(body.refCnt()).isZero();
        assertThat(metrics.upstreamStatuses()).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    private EmbeddedChannel newChannel() {
        return new EmbeddedChannel(new ProxyHandler(upstream, metrics));
    }

    private static Exchange allow(EmbeddedChannel channel) {
        Exchange exchange = ExchangeTestAccess.start(channel, GatewayRoute.PROXY, "https://acme.com", MESSAGES);
        ExchangeTestAccess.allow(exchange, ALLOWED);
        return exchange;
    }

    private static HttpRequest post() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, MESSAGES);
    }

    private static ByteBuf bytes(int length) {
        return Unpooled.buffer(length).writeZero(length);
    }
}
