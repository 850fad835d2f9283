package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.gateway.proxy.RawClient;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What reaches the upstream, byte for byte, when a client tries to step around the edge: targets
 * that escape {@code /v1/widget/}, fragments, {@code Host} tricks, identity headers spelled with
 * underscores or sent as chunked trailers, and the framing tricks the HTTP codec refuses. Raw
 * requests go through the real gateway pipeline to a {@link RawUpstream} that records what it got.
 */
class EdgeHygieneIT {

    private static EdgeFixture edge;
    private static String key;

    @BeforeAll
    static void start() {
        edge = EdgeFixture.start(GatewaySettings.builder());
        key = edge.createKey();
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    @BeforeEach
    void forgetWhatTheUpstreamReceived() {
        edge.upstreamReceived().clear();
    }

    /** A request head: {@code Host} and {@code Origin} unless {@code headers} replace them. */
    private static String head(String method, String target, String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        List<String> given = List.of(headers);
        if (given.stream().noneMatch(header -> header.toLowerCase(Locale.ROOT).startsWith("host"))) {
            head.append("Host: edge.example.com\r\n");
        }
        head.append("Origin: ").append(EdgeFixture.ORIGIN).append("\r\n");
        for (String header : given) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static RawClient.Response exchange(String request) throws IOException {
        try (RawClient client = edge.connect()) {
            return client.send(request).read();
        }
    }

    /** Sends {@code request}; it must be answered {@code status}, the connection closed, the upstream untouched. */
    private static RawClient.Response refused(String request, int status) throws IOException {
        try (RawClient client = edge.connect()) {
            RawClient.Response response = client.send(request).read();
            assertThat(response.status()).as(request).isEqualTo(status);
            assertThat(client.closedByServer()).as("the connection ends after a refused head").isTrue();
            assertThat(edge.upstreamReceived()).as("nothing reached the upstream").isEmpty();
            return response;
        }
    }

    private static void notFound(String request) throws IOException {
        RawClient.Response response = exchange(request);
        assertThat(response.status()).as(request).isEqualTo(404);
        assertThat(edge.upstreamReceived()).as("nothing reached the upstream for %s", request).isEmpty();
    }

    private static String onlyUpstreamRequest() {
        assertThat(edge.upstreamReceived()).hasSize(1);
        return edge.upstreamReceived().get(0);
    }

    @Test
    void anAbsoluteTargetWithTheQueryBeforeAnySlash_is404_andNeverReachesTheUpstream() throws IOException {
        notFound(head("GET", "http://x?key=" + key + "&p=/v1/widget/", "Host: x"));
    }

    @Test
    void anAbsoluteTargetUnderTheWidgetApi_isProxiedInOriginForm_withItsAuthorityAsTheForwardedHost()
            throws IOException {
        RawClient.Response response = exchange(head("GET", "http://edge.example.com/v1/widget/x?key=" + key,
                "Host: other.example"));

        assertThat(response.status()).isEqualTo(200);
        String forwarded = onlyUpstreamRequest();
        assertThat(forwarded).startsWith("GET /v1/widget/x?key=" + key + " HTTP/1.1\r\n");
        assertThat(forwarded).containsIgnoringCase("\r\nx-forwarded-host: edge.example.com\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://x/v1/widget/../admin?key=K",
        "http://x/v1/widget/%2e%2e/admin?key=K",
        "http://x//v1/widget/x?key=K",
        "http://x?/v1/widget/x&key=K",
        "/v1/widget//admin?key=K",
        "/v1/widget/..;/admin?key=K",
        "/v1/widget/x;/../../admin?key=K",
        "/v1/widget/%252e%252e/admin?key=K",
        "/v1/widget/%c0%ae%c0%ae/admin?key=K",
        "/v1/widget/%3b/x?key=K",
        "/v1/widget/%00?key=K",
        "/v1/widget\\..\\admin?key=K",
        "/v1/widget/a\\..\\..\\admin?key=K",
        "*",
    })
    void targetsThatAreNotAPlainWidgetPath_are404_andNeverReachTheUpstream(String target) throws IOException {
        notFound(head("GET", target.replace("=K", "=" + key)));
    }

    @Test
    void connectAndTrace_are404_andNeverReachTheUpstream() throws IOException {
        notFound(head("CONNECT", "/v1/widget/x?key=" + key));
        notFound(head("TRACE", "/v1/widget/x?key=" + key));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "edge.example.com:443",
        "ftp://x/v1/widget/x?key=K",
        "http://user@x/v1/widget/x?key=K",
        "http:///v1/widget/x?key=K",
        "http:/v1/widget/x?key=K",
        "v1/widget/x?key=K",
    })
    void targetsOfNoAcceptedForm_are400(String target) throws IOException {
        RawClient.Response response = refused(head("GET", target.replace("=K", "=" + key)), 400);

        assertThat(response.text()).startsWith("Invalid request target: ");
    }

    @Test
    void aFragmentInTheTarget_is400_andNeverReachesTheUpstream() throws IOException {
        RawClient.Response response = refused(head("GET", "/v1/widget/x#/../../admin", "X-Widget-Key: " + key), 400);

        assertThat(response.text()).isEqualTo("Invalid request target: a fragment (#) is not allowed");
        refused(head("GET", "/v1/widget/bootstrap?key=" + key + "#x"), 400);
    }

    @Test
    void twoHostHeaders_are400() throws IOException {
        RawClient.Response response = refused(head("GET", "/v1/widget/x?key=" + key,
                "Host: edge.example.com", "Host: evil.test"), 400);

        assertThat(response.text()).isEqualTo("Invalid Host header: sent more than once");
    }

    @Test
    void noHostOnHttp11_is400() throws IOException {
        String request = "GET /v1/widget/x?key=" + key + " HTTP/1.1\r\nOrigin: " + EdgeFixture.ORIGIN + "\r\n\r\n";

        assertThat(refused(request, 400).text()).isEqualTo("Missing Host header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.test/../x", "user@evil.test", "evil.test:", "[::1", "a, b", "evil.test:99999"})
    void aHostThatIsNotHostAndPort_is400_onProxiedPathsAndOnBootstrap(String host) throws IOException {
        refused(head("GET", "/v1/widget/x?key=" + key, "Host: " + host), 400);
        refused(head("GET", "/v1/widget/bootstrap?key=" + key, "Host: " + host), 400);
    }

    @Test
    void theClientsOneValidHost_isTheForwardedHost() throws IOException {
        assertThat(exchange(head("GET", "/v1/widget/x?key=" + key, "Host: [::1]:8080")).status()).isEqualTo(200);

        assertThat(onlyUpstreamRequest()).containsIgnoringCase("\r\nx-forwarded-host: [::1]:8080\r\n");
    }

    @Test
    void identityAndForwardingHeadersSpelledWithUnderscores_neverReachTheUpstream() throws IOException {
        RawClient.Response response = exchange(head("GET", "/v1/widget/x?key=" + key,
                "X_Widget_Key_Id: spoof", "x_widget_account_id: spoof", "X-Widget_Agent-Id: spoof",
                "X_Forwarded_For: 203.0.113.9", "X_Forwarded_Host: evil.test", "X-Forwarded-Prefix: /admin",
                "Forwarded: for=203.0.113.9;host=evil.test", "X-Real-IP: 203.0.113.9",
                "X-Original-URL: /admin", "Custom_Header: kept"));

        assertThat(response.status()).isEqualTo(200);
        String forwarded = onlyUpstreamRequest();
        assertThat(forwarded).doesNotContain("spoof", "evil.test", "203.0.113.9", "/admin");
        assertThat(forwarded).contains("\r\nCustom_Header: kept\r\n");
        assertThat(forwarded).containsIgnoringCase("\r\nx-widget-account-id: " + EdgeFixture.ACCOUNT + "\r\n");
    }

    @Test
    void chunkedTrailers_neverReachTheUpstream() throws IOException {
        RawClient.Response response = exchange(head("POST", "/v1/widget/t?key=" + key,
                "Transfer-Encoding: chunked") + "2\r\nhi\r\n0\r\nX-Widget-Key-Id: spoof\r\nX_Widget_Account_Id: spoof\r\n"
                + "X-Checksum: 1\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        String forwarded = onlyUpstreamRequest();
        assertThat(forwarded).endsWith("\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
        assertThat(forwarded).doesNotContain("spoof", "X-Checksum");
    }

    @Test
    void trailersOfAnAggregatedRequest_neverReachTheUpstreamEither() throws IOException {
        RawClient.Response response = exchange(head("POST", "/v1/widget/t?key=" + key,
                "Transfer-Encoding: chunked") + "0\r\nX-Widget-Key-Id: spoof\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(onlyUpstreamRequest()).doesNotContain("spoof");
    }

    @Test
    void anObsFoldedLine_isJoinedToTheHeaderBeforeIt_neverAHeaderOfItsOwn() throws IOException {
        RawClient.Response response = exchange(head("GET", "/v1/widget/x?key=" + key,
                "X-Custom: a", " X-Widget-Key-Id: spoof"));

        assertThat(response.status()).isEqualTo(200);
        String forwarded = onlyUpstreamRequest().toLowerCase(Locale.ROOT);
        assertThat(forwarded).doesNotContain("\nx-widget-key-id: spoof", "\n x-widget-key-id");
    }

    @Test
    void whitespaceBeforeAColon_is400() throws IOException {
        refused(head("GET", "/v1/widget/x?key=" + key, "X-Widget-Key-Id : spoof"), 400);
    }

    @Test
    void twoContentLengths_evenEqualOnes_are400() throws IOException {
        refused(head("POST", "/v1/widget/x?key=" + key, "Content-Length: 2", "Content-Length: 2") + "hi", 400);
        refused(head("POST", "/v1/widget/x?key=" + key, "Content-Length: 2, 2") + "hi", 400);
    }

    @Test
    void contentLengthWithTransferEncoding_is400() throws IOException {
        refused(head("POST", "/v1/widget/x?key=" + key, "Content-Length: 5", "Transfer-Encoding: chunked")
                + "0\r\n\r\n", 400);
    }

    @Test
    void transferEncodingsOtherThanChunked_areRefused() throws IOException {
        assertThat(refused(head("POST", "/v1/widget/x?key=" + key, "Transfer-Encoding: gzip, chunked")
                + "0\r\n\r\n", 501).text()).isEqualTo("Transfer-Encoding not implemented: only chunked is accepted");
        refused(head("POST", "/v1/widget/x?key=" + key, "Transfer-Encoding: chunked, gzip") + "0\r\n\r\n", 400);
        refused(head("POST", "/v1/widget/x?key=" + key, "Transfer-Encoding: xchunked") + "0\r\n\r\n", 400);
        refused(head("POST", "/v1/widget/x?key=" + key, "Transfer-Encoding: chunked",
                "Transfer-Encoding: identity") + "0\r\n\r\n", 400);
    }

    @Test
    void transferEncodingOnHttp10_is400() throws IOException {
        refused("POST /v1/widget/x?key=" + key + " HTTP/1.0\r\nOrigin: " + EdgeFixture.ORIGIN
                + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    }

    @Test
    void aVersionOtherThanHttp1_is505() throws IOException {
        refused("GET /v1/widget/x?key=" + key + " HTTP/2.0\r\nHost: edge.example.com\r\n\r\n", 505);
    }
}
