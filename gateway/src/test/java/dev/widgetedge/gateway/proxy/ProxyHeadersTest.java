package dev.widgetedge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.server.RequestTarget;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ProxyHeaders}: what the upstream and the client are allowed to see of each other. */
class ProxyHeadersTest {

    private static final UUID KEY_ID = UUID.fromString("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e");
    private static final Decision.Allowed ALLOWED = new Decision.Allowed(KEY_ID, "acct_123", "agent_7", false);
    private static final AsciiString UPSTREAM = AsciiString.of("backend.internal:8443");

    @Test
    void hopByHop_removesTheFixedListAndEveryHeaderConnectionNames() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "keep-alive, X-Hop-One")
                .add("connection", "x-hop-two,")
                .add("X-Hop-One", "1")
                .add("X-Hop-Two", "2")
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Connection", "keep-alive")
                .add("TE", "trailers")
                .add("Trailer", "X-Checksum")
                .add("Transfer-Encoding", "chunked")
                .add("Upgrade", "websocket")
                .add("Proxy-Authorization", "Basic Zm9vOmJhcg==")
                .add("Proxy-Authenticate", "Basic")
                .add("Content-Type", "application/json")
                .add("Vary", "Accept-Encoding");

        ProxyHeaders.removeHopByHop(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Content-Type", "Vary");
    }

    @Test
    void hopByHop_keepsContentLengthEvenWhenConnectionNamesIt() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "Content-Length")
                .add("Content-Length", "12");

        ProxyHeaders.removeHopByHop(headers);

        assertThat(headers.get("Content-Length")).isEqualTo("12");
    }

    @Test
    void widgetHeaders_areRemovedInAnyCase() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Widget-Key", "pk_live_x")
                .add("x-widget-key-id", "forged")
                .add("X-WIDGET-ACCOUNT-ID", "forged")
                .add("x-WiDgEt-anything", "1")
                .add("X-Widgets", "not ours")
                .add("Accept", "*/*");

        ProxyHeaders.removeClientClaims(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("X-Widgets", "Accept");
    }

    @Test
    void claimsSpelledWithUnderscores_areRemoved_sinceCgiUpstreamsReadThemAsDashes() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X_Widget_Key_Id", "spoof")
                .add("x-widget_account-id", "spoof")
                .add("X_FORWARDED_FOR", "203.0.113.9")
                .add("X_Forwarded_Host", "evil.test")
                .add("X_Real_IP", "203.0.113.9")
                .add("Custom_Header", "kept");

        ProxyHeaders.removeClientClaims(headers);

        assertThat(headers.names()).containsExactly("Custom_Header");
    }

    @Test
    void forwardingAndPathClaims_areRemoved_butXForwardedForIsKeptToBeAppendedTo() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-For", "203.0.113.7")
                .add("X-Forwarded-Host", "evil.test")
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Port", "443")
                .add("X-Forwarded-Prefix", "/admin")
                .add("Forwarded", "for=203.0.113.9;host=evil.test")
                .add("X-Real-IP", "203.0.113.9")
                .add("X-Client-IP", "203.0.113.9")
                .add("True-Client-IP", "203.0.113.9")
                .add("X-Original-URL", "/admin")
                .add("X-Rewrite-URL", "/admin")
                .add("X-Forwarded", "not a claim by prefix")
                .add("Forwarded-By", "kept");

        ProxyHeaders.removeClientClaims(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("X-Forwarded", "Forwarded-By");
    }

    @Test
    void prepareRequest_neverLetsAForgedIdentitySurvive() {
        HttpRequest request = request("/v1/widget/messages");
        request.headers()
                .add("x-widget-key-id", "forged")
                .add("X-Widget-Account-Id", "forged")
                .add("X-WIDGET-AGENT-ID", "forged")
                .add("X-Widget-Key", "pk_live_secret");

        ProxyHeaders.prepareRequest(request, RequestTarget.parse(request.uri()), ALLOWED, "198.51.100.4", "http", UPSTREAM);

        HttpHeaders headers = request.headers();
        assertThat(headers.getAll("X-Widget-Key-Id")).containsExactly(KEY_ID.toString());
        assertThat(headers.getAll("X-Widget-Account-Id")).containsExactly("acct_123");
        assertThat(headers.getAll("X-Widget-Agent-Id")).containsExactly("agent_7");
        assertThat(headers.contains("X-Widget-Key")).isFalse();
    }

    @Test
    void prepareRequest_omitsTheAgentHeaderWhenTheKeyHasNoAgent() {
        HttpRequest request = request("/v1/widget/messages");
        request.headers().add("X-Widget-Agent-Id", "forged");

        ProxyHeaders.prepareRequest(request, RequestTarget.parse(request.uri()), new Decision.Allowed(KEY_ID, "acct_123", null, false), "198.51.100.4",
                "http", UPSTREAM);

        assertThat(request.headers().contains("X-Widget-Agent-Id")).isFalse();
        assertThat(request.headers().get("X-Widget-Key-Id")).isEqualTo(KEY_ID.toString());
    }

    @Test
    void prepareRequest_setsForwardedHeadersAndTheUpstreamHost() {
        HttpRequest request = request("/v1/widget/messages?key=pk_live_x&page=2");
        request.headers()
                .set("Host", "edge.example.com")
                .set("X-Forwarded-Proto", "https")
                .set("Connection", "keep-alive")
                .set("Expect", "100-continue");

        ProxyHeaders.prepareRequest(request, RequestTarget.parse(request.uri()), ALLOWED, "198.51.100.4", "http", UPSTREAM);

        HttpHeaders headers = request.headers();
        assertThat(headers.get("Host")).isEqualTo("backend.internal:8443");
        assertThat(headers.get("X-Forwarded-Host")).isEqualTo("edge.example.com");
        assertThat(headers.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(headers.get("X-Forwarded-For")).isEqualTo("198.51.100.4");
        assertThat(headers.contains("Connection")).isFalse();
        assertThat(headers.contains("Expect")).isFalse();
        assertThat(request.uri()).isEqualTo("/v1/widget/messages?key=pk_live_x&page=2");
        assertThat(request.method()).isEqualTo(HttpMethod.POST);
    }

    @Test
    void prepareRequest_dropsAClientSentForwardedHostWhenTheClientSentNoHost() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/v1/widget/x");
        request.headers().set("X-Forwarded-Host", "spoofed.example");

        ProxyHeaders.prepareRequest(request, RequestTarget.parse(request.uri()), ALLOWED, "198.51.100.4", "http", UPSTREAM);

        assertThat(request.headers().contains("X-Forwarded-Host")).isFalse();
        assertThat(request.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    }

    @Test
    void prepareRequest_keepsChunkedFramingForTheUpstream() {
        HttpRequest request = request("/v1/widget/upload");
        request.headers().set("Transfer-Encoding", "chunked").set("Connection", "Transfer-Encoding");

        ProxyHeaders.prepareRequest(request, RequestTarget.parse(request.uri()), ALLOWED, "198.51.100.4", "http", UPSTREAM);

        assertThat(request.headers().getAll("Transfer-Encoding")).containsExactly("chunked");
    }

    @Test
    void prepareRequest_replacesWhatTheClientSentAsForwardedFor_withWhatTrustedHopsVouchFor() {
        HttpRequest request = request("/v1/widget/messages");
        request.headers()
                .add("X-Forwarded-For", "203.0.113.7")
                .add("x-forwarded-for", "192.0.2.1")
                .add("X_Forwarded_For", "192.0.2.2")
                .add("X-Forwarded-Proto", "https");

        ProxyHeaders.prepareRequest(request, RequestTarget.parse(request.uri()), ALLOWED,
                "198.51.100.4, 10.0.0.2", "https", UPSTREAM);

        assertThat(request.headers().getAll("X-Forwarded-For")).containsExactly("198.51.100.4, 10.0.0.2");
        assertThat(request.headers().getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(request.headers().contains("X_Forwarded_For")).isFalse();
    }

    @Test
    void prepareRequest_sendsTheOriginFormOfTheParsedTarget_andItsAuthorityAsTheForwardedHost() {
        HttpRequest request = request("http://edge.example.com?key=pk_live_x&p=/v1/widget/");
        request.headers().set("Host", "other.example");

        ProxyHeaders.prepareRequest(request, RequestTarget.parse(request.uri()), ALLOWED, "198.51.100.4", "http", UPSTREAM);

        assertThat(request.uri()).isEqualTo("/?key=pk_live_x&p=/v1/widget/");
        assertThat(request.headers().get("X-Forwarded-Host")).isEqualTo("edge.example.com");
    }

    @Test
    void trailers_areDropped() {
        LastHttpContent last = new DefaultLastHttpContent();
        last.trailingHeaders().add("X-Widget-Key-Id", "spoof").add("X-Checksum", "1");

        ProxyHeaders.dropTrailers(last);

        assertThat(last.trailingHeaders().isEmpty()).isTrue();
        assertThatCode(() -> ProxyHeaders.dropTrailers(LastHttpContent.EMPTY_LAST_CONTENT))
                .as("the shared empty last part has no trailers to clear").doesNotThrowAnyException();
    }

    @Test
    void prepareResponse_dropsHopByHopButKeepsVaryAndEverythingElse() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .add("Connection", "keep-alive, X-Upstream-Hop")
                .add("X-Upstream-Hop", "1")
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Authenticate", "Basic")
                .add("Vary", "Accept-Encoding")
                .add("Content-Length", "2")
                .add("Set-Cookie", "a=b");

        ProxyHeaders.prepareResponse(response, HttpVersion.HTTP_1_1);

        assertThat(response.headers().names()).containsExactlyInAnyOrder("Vary", "Content-Length", "Set-Cookie");
    }

    @Test
    void prepareResponse_chunksABodyWithoutLengthForAnHttp11Client() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        response.headers().set("Transfer-Encoding", "chunked");

        ProxyHeaders.prepareResponse(response, HttpVersion.HTTP_1_1);

        assertThat(response.headers().getAll("Transfer-Encoding")).containsExactly("chunked");
        assertThat(response.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    }

    @Test
    void prepareResponse_leavesABodyWithoutLengthUnframedForAnHttp10Client() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set("Transfer-Encoding", "chunked");

        ProxyHeaders.prepareResponse(response, HttpVersion.HTTP_1_0);

        assertThat(response.headers().contains("Transfer-Encoding")).isFalse();
    }

    @Test
    void prepareResponse_neverFramesAResponseThatHasNoBody() {
        HttpResponse notModified = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
        HttpResponse noContent = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);

        ProxyHeaders.prepareResponse(notModified, HttpVersion.HTTP_1_1);
        ProxyHeaders.prepareResponse(noContent, HttpVersion.HTTP_1_1);

        assertThat(notModified.headers().isEmpty()).isTrue();
        assertThat(noContent.headers().isEmpty()).isTrue();
    }

    private static HttpRequest request(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
    }
}
