package dev.widgetedge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RequestHeads#check}: what both servers refuse of a head that decoded. */
class RequestHeadsTest {

    private static HttpRequest request(HttpVersion version, String... hosts) {
        HttpRequest request = new DefaultHttpRequest(version, HttpMethod.GET, "/v1/widget/x?key=k");
        for (String host : hosts) {
            request.headers().add("Host", host);
        }
        return request;
    }

    private static void assertRefused(HttpRequest request, int status, String message) {
        assertThatThrownBy(() -> RequestHeads.check(request))
                .isInstanceOfSatisfying(RefusedRequestException.class,
                        refused -> assertThat(refused.status().code()).isEqualTo(status))
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "edge.example.com",
        "edge.example.com:8080",
        "edge.example.com.",
        "localhost",
        "my_host.internal",
        "127.0.0.1",
        "127.0.0.1:1",
        "[::1]",
        "[2001:db8::1]:65535",
        "EDGE.Example.COM",
    })
    void aValidHost_passes_andTheTargetComesBackParsed(String host) {
        RequestTarget target = RequestHeads.check(request(HttpVersion.HTTP_1_1, host));

        assertThat(target.path()).isEqualTo("/v1/widget/x");
        assertThat(target.query()).isEqualTo("key=k");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "evil.test/../x",
        "evil.test/",
        "user@evil.test",
        "evil.test:",
        "evil.test:80:80",
        "evil.test:http",
        "evil.test:123456",
        "evil.test:65536",
        "[::1",
        "[::1]x",
        "[::g]",
        "[fe80::1%25eth0]",
        "::1",
        "a, b",
        "a b",
        ".evil.test",
        "evil..test",
        "evil.test\\x",
        "%65vil.test",
        "1.2.3.999",
        "999",
        "evil.test?x",
        "evil.test#x",
    })
    void aHostThatIsNotHostAndPort_is400(String host) {
        assertRefused(request(HttpVersion.HTTP_1_1, host), 400, "Invalid Host header: expected host[:port]");
    }

    @Test
    void twoHostHeaders_are400_evenWhenEqual() {
        assertRefused(request(HttpVersion.HTTP_1_1, "edge.example.com", "edge.example.com"), 400,
                "Invalid Host header: sent more than once");
    }

    @Test
    void noHost_is400OnHttp11_butFineOnHttp10() {
        assertRefused(request(HttpVersion.HTTP_1_1), 400, "Missing Host header");

        assertThat(RequestHeads.check(request(HttpVersion.HTTP_1_0)).path()).isEqualTo("/v1/widget/x");
    }

    @Test
    void aVersionOtherThanHttp1_is505() {
        assertRefused(request(HttpVersion.valueOf("HTTP/2.0"), "edge.example.com"), 505,
                "HTTP version not supported: HTTP/2.0");
    }

    @Test
    void aTransferCodingOtherThanChunked_is501() {
        HttpRequest request = request(HttpVersion.HTTP_1_1, "edge.example.com");
        request.headers().set("Transfer-Encoding", "gzip, chunked");

        assertRefused(request, 501, "Transfer-Encoding not implemented: only chunked is accepted");

        request.headers().set("Transfer-Encoding", "Chunked");
        assertThat(RequestHeads.check(request)).isNotNull();
    }

    @Test
    void theTargetIsCheckedFirst() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x#y");

        assertRefused(request, 400, "Invalid request target: a fragment (#) is not allowed");
    }
}
