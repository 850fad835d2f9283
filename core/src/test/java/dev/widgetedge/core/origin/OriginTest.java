package dev.widgetedge.core.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OriginTest {

    @Test
    void httpsOrigin_parsesIntoSchemeHostAndDefaultPort() throws Exception {
        Origin origin = Origin.parse("https://acme.com");

        assertThat(origin.scheme()).isEqualTo(Scheme.HTTPS);
        assertThat(origin.host()).isEqualTo("acme.com");
        assertThat(origin.port()).isEqualTo(443);
        assertThat(origin).hasToString("https://acme.com");
    }

    @Test
    void httpOriginWithPort_keepsThePort() throws Exception {
        Origin origin = Origin.parse("http://localhost:8000");

        assertThat(origin).isEqualTo(new Origin(Scheme.HTTP, "localhost", 8000));
        assertThat(origin).hasToString("http://localhost:8000");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource
    void equivalentSpellings_parseToTheSameOrigin(String spelling, String canonical) throws Exception {
        Origin origin = Origin.parse(spelling);

        assertThat(origin).hasToString(canonical);
        assertThat(origin).isEqualTo(Origin.parse(canonical));
    }

    static Stream<Arguments> equivalentSpellings_parseToTheSameOrigin() {
        return Stream.of(
                Arguments.of("HTTPS://ACME.COM", "https://acme.com"),
                Arguments.of("hTtPs://AcMe.CoM", "https://acme.com"),
                Arguments.of("https://acme.com:443", "https://acme.com"),
                Arguments.of("http://acme.com:80", "http://acme.com"),
                Arguments.of("https://acme.com.", "https://acme.com"),
                Arguments.of("https://acme.com.:443", "https://acme.com"),
                Arguments.of("https://bücher.example", "https://xn--bcher-kva.example"),
                Arguments.of("https://BÜCHER.example", "https://xn--bcher-kva.example"),
                Arguments.of("https://XN--BCHER-KVA.EXAMPLE", "https://xn--bcher-kva.example"),
                Arguments.of("https://bücher.example.", "https://xn--bcher-kva.example"),
                Arguments.of("https://acme\u3002com", "https://acme.com"),
                Arguments.of("https://acme\uff0ecom", "https://acme.com"),
                Arguments.of("https://\uff41\uff43\uff4d\uff45.com", "https://acme.com"),
                Arguments.of("https://\uff21\uff23\uff2d\uff25.com", "https://acme.com"),
                Arguments.of("http://\uff11\uff12\uff17.0.0.1", "http://127.0.0.1"),
                Arguments.of("https://_dmarc.acme.com", "https://_dmarc.acme.com"),
                Arguments.of("https://123.example", "https://123.example"),
                Arguments.of("https://0xg.example", "https://0xg.example"),
                Arguments.of("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
                Arguments.of("http://0.0.0.0", "http://0.0.0.0"),
                Arguments.of("https://255.255.255.255", "https://255.255.255.255"),
                Arguments.of("http://[::1]:3000", "http://[::1]:3000"),
                Arguments.of("https://[0:0:0:0:0:0:0:1]", "https://[::1]"),
                Arguments.of("https://[::1]:443", "https://[::1]"),
                Arguments.of("https://[2001:DB8::1]", "https://[2001:db8::1]"),
                Arguments.of("https://[2001:0db8:0000:0000:0001:0000:0000:0001]", "https://[2001:db8::1:0:0:1]"),
                Arguments.of("https://[1:0:0:2:0:0:0:3]", "https://[1:0:0:2::3]"),
                Arguments.of("https://[1:0:2:3:4:5:6:7]", "https://[1:0:2:3:4:5:6:7]"),
                Arguments.of("https://[1:2:3:4:5:6:7::]", "https://[1:2:3:4:5:6:7:0]"),
                Arguments.of("https://[1::]", "https://[1::]"),
                Arguments.of("https://[::]", "https://[::]"),
                Arguments.of("https://[::ffff:1.2.3.4]", "https://[::ffff:102:304]"),
                Arguments.of("https://[::ffff:0102:0304]", "https://[::ffff:102:304]"),
                Arguments.of("https://[fe80::1:2:3:4:5:6]", "https://[fe80:0:1:2:3:4:5:6]"));
    }

    @Test
    void nonDefaultPorts_areKeptAndSerialized() throws Exception {
        assertThat(Origin.parse("http://acme.com:443")).hasToString("http://acme.com:443");
        assertThat(Origin.parse("https://acme.com:80")).hasToString("https://acme.com:80");
        assertThat(Origin.parse("https://acme.com:1").port()).isEqualTo(1);
        assertThat(Origin.parse("https://acme.com:65535").port()).isEqualTo(65535);
        assertThat(Origin.parse("http://acme.com:443")).isNotEqualTo(Origin.parse("https://acme.com"));
    }

    @Test
    void schemes_areDistinct() throws Exception {
        assertThat(Origin.parse("http://acme.com")).isNotEqualTo(Origin.parse("https://acme.com"));
    }

    @Test
    void longestValidHost_isAccepted() throws Exception {
        String label63 = "a".repeat(63);
        String host253 = label63 + "." + label63 + "." + label63 + "." + "b".repeat(61);

        assertThat(Origin.parse("https://" + host253).host()).hasSize(253);
        assertThat(Origin.parse("https://" + host253 + ".").host()).hasSize(253);
        assertThat(Origin.parse("https://" + "a.".repeat(127)).host()).hasSize(253);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource
    void invalidOrigins_areRejectedWithAPhrase(String value, String phrase) {
        assertThatThrownBy(() -> Origin.parse(value))
                .isInstanceOf(InvalidOriginException.class)
                .hasMessage(phrase);
        assertThat(Origin.parseHeaderOrNull(value)).isNull();
    }

    static Stream<Arguments> invalidOrigins_areRejectedWithAPhrase() {
        String hasInvalidHost = "has an invalid host";
        String hasInvalidPort = "has an invalid port";
        String notAnOrigin = "is not an origin (expected scheme://host[:port])";
        return Stream.of(
                Arguments.of("", "is empty"),
                Arguments.of("null", notAnOrigin),
                Arguments.of("acme.com", notAnOrigin),
                Arguments.of("acme.com:443", notAnOrigin),
                Arguments.of("//acme.com", notAnOrigin),
                Arguments.of("://acme.com", notAnOrigin),
                Arguments.of("https:acme.com", notAnOrigin),
                Arguments.of("https:/acme.com", notAnOrigin),
                Arguments.of("https:\\\\acme.com", notAnOrigin),
                Arguments.of("https", notAnOrigin),
                Arguments.of("https:", notAnOrigin),
                Arguments.of("javascript:alert(1)", notAnOrigin),
                Arguments.of("*", notAnOrigin),
                Arguments.of("ftp://acme.com", "has an unsupported scheme (expected http or https)"),
                Arguments.of("ws://acme.com", "has an unsupported scheme (expected http or https)"),
                Arguments.of("file:///etc/passwd", "has an unsupported scheme (expected http or https)"),
                Arguments.of("httpss://acme.com", "has an unsupported scheme (expected http or https)"),
                Arguments.of("https://", "has no host"),
                Arguments.of("https://:443", "has no host"),
                Arguments.of("https://acme.com/", "has a path"),
                Arguments.of("https://acme.com/path", "has a path"),
                Arguments.of("https://acme.com:443/", "has a path"),
                Arguments.of("https:///acme.com", "has a path"),
                Arguments.of("https://acme.com\\", "has a path"),
                Arguments.of("https://acme.com\\@evil.com", "has a path"),
                Arguments.of("https://acme.com?", "has a query"),
                Arguments.of("https://acme.com?x=1", "has a query"),
                Arguments.of("https://acme.com#", "has a fragment"),
                Arguments.of("https://evil.com#@acme.com", "has a fragment"),
                Arguments.of("https://acme.com@evil.com", "has userinfo"),
                Arguments.of("https://user:pass@acme.com", "has userinfo"),
                Arguments.of("https://@acme.com", "has userinfo"),
                Arguments.of("https://acme.com\t", "contains whitespace"),
                Arguments.of(" https://acme.com", "contains whitespace"),
                Arguments.of("https://acme.com ", "contains whitespace"),
                Arguments.of("https://acme.com\r\n", "contains whitespace"),
                Arguments.of("https://acme.com\u00a0", "contains whitespace"),
                Arguments.of("https://acme.com\u3000", "contains whitespace"),
                Arguments.of("https://acme.com\u2028", "contains whitespace"),
                Arguments.of("https://ac me.com", "contains whitespace"),
                Arguments.of("https://acme.com\0", "contains a control character"),
                Arguments.of("https://acme\0.com", "contains a control character"),
                Arguments.of("https://acme.com\u007f", "contains a control character"),
                Arguments.of("https://acme.com\u0085", "contains a control character"),
                Arguments.of("https://acme.com, https://evil.com", "contains a comma"),
                Arguments.of("https://acme.com,https://evil.com", "contains a comma"),
                Arguments.of("https://*.acme.com", "has a wildcard"),
                Arguments.of("https://*", "has a wildcard"),
                Arguments.of("https://acme.com:", hasInvalidPort),
                Arguments.of("https://acme.com:0", hasInvalidPort),
                Arguments.of("https://acme.com:00", hasInvalidPort),
                Arguments.of("https://acme.com:0443", hasInvalidPort),
                Arguments.of("https://acme.com:65536", hasInvalidPort),
                Arguments.of("https://acme.com:99999", hasInvalidPort),
                Arguments.of("https://acme.com:100000", hasInvalidPort),
                Arguments.of("https://acme.com:4294967739", hasInvalidPort),
                Arguments.of("https://acme.com:+443", hasInvalidPort),
                Arguments.of("https://acme.com:-1", hasInvalidPort),
                Arguments.of("https://acme.com:1e3", hasInvalidPort),
                Arguments.of("https://acme.com:443:443", hasInvalidPort),
                Arguments.of("https://acme.com:\uff14\uff14\uff13", hasInvalidPort),
                Arguments.of("https://acme.com:*", hasInvalidPort),
                Arguments.of("https://::1", hasInvalidPort),
                Arguments.of("https://acme.com\uff1a443", hasInvalidHost),
                Arguments.of("https://a\uff0fb.com", hasInvalidHost),
                Arguments.of("https://acme..com", hasInvalidHost),
                Arguments.of("https://.acme.com", hasInvalidHost),
                Arguments.of("https://acme.com..", hasInvalidHost),
                Arguments.of("https://.", hasInvalidHost),
                Arguments.of("https://-acme.com", hasInvalidHost),
                Arguments.of("https://acme-.com", hasInvalidHost),
                Arguments.of("https://acme.com-", hasInvalidHost),
                Arguments.of("https://acme%2ecom", hasInvalidHost),
                Arguments.of("https://%61cme.com", hasInvalidHost),
                Arguments.of("https://acme!.com", hasInvalidHost),
                Arguments.of("https://acme\u202e.com", hasInvalidHost),
                Arguments.of("https://\u00ad", hasInvalidHost),
                Arguments.of("https://\ud800.com", hasInvalidHost),
                Arguments.of("https://" + "a".repeat(64) + ".com", hasInvalidHost),
                Arguments.of("https://" + "a.".repeat(127) + "a", hasInvalidHost),
                Arguments.of("https://" + "a".repeat(100_000), hasInvalidHost),
                Arguments.of("http://127.1", hasInvalidHost),
                Arguments.of("http://0x7f.1", hasInvalidHost),
                Arguments.of("http://0x7f.0.0.1", hasInvalidHost),
                Arguments.of("http://0x7f000001", hasInvalidHost),
                Arguments.of("http://2130706433", hasInvalidHost),
                Arguments.of("http://010.0.0.1", hasInvalidHost),
                Arguments.of("http://1.2.3.04", hasInvalidHost),
                Arguments.of("http://256.0.0.1", hasInvalidHost),
                Arguments.of("http://1.2.3", hasInvalidHost),
                Arguments.of("http://1.2.3.4.5", hasInvalidHost),
                Arguments.of("http://1.2.3.4..", hasInvalidHost),
                Arguments.of("https://acme.123", hasInvalidHost),
                Arguments.of("https://acme.0x", hasInvalidHost),
                Arguments.of("https://acme.0XAB", hasInvalidHost),
                Arguments.of("https://[::1", hasInvalidHost),
                Arguments.of("https://[]", hasInvalidHost),
                Arguments.of("https://[:]", hasInvalidHost),
                Arguments.of("https://[:::1]", hasInvalidHost),
                Arguments.of("https://[:1]", hasInvalidHost),
                Arguments.of("https://[1:]", hasInvalidHost),
                Arguments.of("https://[1::2::3]", hasInvalidHost),
                Arguments.of("https://[12345::]", hasInvalidHost),
                Arguments.of("https://[g::1]", hasInvalidHost),
                Arguments.of("https://[1:2:3:4:5:6:7]", hasInvalidHost),
                Arguments.of("https://[1:2:3:4:5:6:7:8:9]", hasInvalidHost),
                Arguments.of("https://[1:2:3:4:5:6:7:8::]", hasInvalidHost),
                Arguments.of("https://[::1:2:3:4:5:6:7:8]", hasInvalidHost),
                Arguments.of("https://[1.2.3.4]", hasInvalidHost),
                Arguments.of("https://[::1.2.3.04]", hasInvalidHost),
                Arguments.of("https://[::1.2.3]", hasInvalidHost),
                Arguments.of("https://[1:2:3:4:5:6:7:1.2.3.4]", hasInvalidHost),
                Arguments.of("https://[::1%25eth0]", hasInvalidHost),
                Arguments.of("https://[fe80::1%eth0]", hasInvalidHost),
                Arguments.of("https://[::1]x", hasInvalidHost),
                Arguments.of("https://[::1]]", hasInvalidHost),
                Arguments.of("https://a[::1]", hasInvalidHost),
                Arguments.of("https://[\uff11::1]", hasInvalidHost),
                Arguments.of("https://\uff3b::1\uff3d", hasInvalidPort));
    }

    @Test
    void rejection_neverRepeatsTheInput() {
        assertThatThrownBy(() -> Origin.parse("https://evil.example/<script>"))
                .isInstanceOf(InvalidOriginException.class)
                .hasMessageNotContaining("evil")
                .hasMessageNotContaining("script");
    }

    @Test
    void rejection_carriesNoStackTrace() {
        assertThatThrownBy(() -> Origin.parse("null"))
                .isInstanceOfSatisfying(
                        InvalidOriginException.class, e -> assertThat(e.getStackTrace()).isEmpty());
    }

    @Test
    void parse_rejectsNullWithNullPointerException() {
        assertThatThrownBy(() -> Origin.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void headerParse_returnsNullForAnAbsentHeader() {
        assertThat(Origin.parseHeaderOrNull(null)).isNull();
    }

    @Test
    void headerParse_acceptsAnyCharSequence() throws Exception {
        assertThat(Origin.parseHeaderOrNull(new StringBuilder("https://ACME.com:8443")))
                .isEqualTo(Origin.parse("https://acme.com:8443"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://acme.com", "http://localhost:3000", "https://[::1]", "https://xn--bcher-kva.example"})
    void headerParse_agreesWithStrictParse(String value) throws Exception {
        assertThat(Origin.parseHeaderOrNull(value)).isEqualTo(Origin.parse(value));
    }

    @Test
    void constructor_rejectsPortsOutOfRange() {
        assertThatThrownBy(() -> new Origin(Scheme.HTTPS, "acme.com", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Origin(Scheme.HTTPS, "acme.com", 65536))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_rejectsMissingComponents() {
        assertThatThrownBy(() -> new Origin(null, "acme.com", 443)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Origin(Scheme.HTTPS, null, 443)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Origin(Scheme.HTTPS, "", 443)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void schemes_haveTheirDefaultPorts() {
        assertThat(Scheme.HTTP.defaultPort()).isEqualTo(80);
        assertThat(Scheme.HTTPS.defaultPort()).isEqualTo(443);
        assertThat(Scheme.HTTP.text()).isEqualTo("http");
        assertThat(Scheme.HTTPS.text()).isEqualTo("https");
    }
}
