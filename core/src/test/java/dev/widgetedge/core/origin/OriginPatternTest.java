package dev.widgetedge.core.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OriginPatternTest {

    @Test
    void exactEntry_parsesIntoItsComponents() throws Exception {
        OriginPattern pattern = OriginPattern.parse("https://acme.com");

        assertThat(pattern).isEqualTo(new OriginPattern(Scheme.HTTPS, "acme.com", 443, false));
        assertThat(pattern.isWildcard()).isFalse();
        assertThat(pattern).hasToString("https://acme.com");
    }

    @Test
    void wildcardEntry_keepsTheDomainAndMarksTheWildcard() throws Exception {
        OriginPattern pattern = OriginPattern.parse("https://*.acme.com");

        assertThat(pattern).isEqualTo(new OriginPattern(Scheme.HTTPS, "acme.com", 443, true));
        assertThat(pattern.isWildcard()).isTrue();
        assertThat(pattern).hasToString("https://*.acme.com");
    }

    @ParameterizedTest(name = "{0} is stored as {1}")
    @MethodSource
    void entries_areNormalized(String entry, String normalized) throws Exception {
        assertThat(OriginPattern.parse(entry)).hasToString(normalized);
        assertThat(OriginPattern.parse(normalized)).isEqualTo(OriginPattern.parse(entry));
    }

    static Stream<Arguments> entries_areNormalized() {
        return Stream.of(
                Arguments.of("HTTPS://ACME.COM", "https://acme.com"),
                Arguments.of("https://acme.com/", "https://acme.com"),
                Arguments.of("https://acme.com:443", "https://acme.com"),
                Arguments.of("https://acme.com:443/", "https://acme.com"),
                Arguments.of("http://acme.com:80", "http://acme.com"),
                Arguments.of("http://acme.com:443", "http://acme.com:443"),
                Arguments.of("https://acme.com.", "https://acme.com"),
                Arguments.of("https://acme.com./", "https://acme.com"),
                Arguments.of("http://localhost:8000/", "http://localhost:8000"),
                Arguments.of("https://bücher.example", "https://xn--bcher-kva.example"),
                Arguments.of("https://acme\u3002com", "https://acme.com"),
                Arguments.of("http://[0:0:0:0:0:0:0:1]:8080/", "http://[::1]:8080"),
                Arguments.of("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
                Arguments.of("https://*.ACME.com", "https://*.acme.com"),
                Arguments.of("https://*.acme.com/", "https://*.acme.com"),
                Arguments.of("https://*.acme.com.", "https://*.acme.com"),
                Arguments.of("https://*.acme.com:443", "https://*.acme.com"),
                Arguments.of("https://*.acme.com:8443/", "https://*.acme.com:8443"),
                Arguments.of("https://*.bücher.example", "https://*.xn--bcher-kva.example"),
                Arguments.of("https://*.co.uk", "https://*.co.uk"),
                Arguments.of("https://localhost", "https://localhost"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource
    void invalidEntries_areRejectedWithAPhrase(String entry, String phrase) {
        assertThatThrownBy(() -> OriginPattern.parse(entry))
                .isInstanceOf(InvalidOriginException.class)
                .hasMessage(phrase);
    }

    static Stream<Arguments> invalidEntries_areRejectedWithAPhrase() {
        String notLeftmost = "has a wildcard that is not the leftmost label";
        String notWholeLabel = "has a wildcard that is not a whole label";
        String overTld = "has a wildcard over a top-level domain";
        String overIp = "has a wildcard over an IP address";
        return Stream.of(
                Arguments.of("", "is empty"),
                Arguments.of("null", "is not an origin (expected scheme://host[:port])"),
                Arguments.of("acme.com", "is not an origin (expected scheme://host[:port])"),
                Arguments.of("*.acme.com", "is not an origin (expected scheme://host[:port])"),
                Arguments.of("*", "is not an origin (expected scheme://host[:port])"),
                Arguments.of("ftp://acme.com", "has an unsupported scheme (expected http or https)"),
                Arguments.of("https://acme.com//", "has a path"),
                Arguments.of("https://acme.com/path", "has a path"),
                Arguments.of("https://acme.com/path/", "has a path"),
                Arguments.of("https://acme.com/?", "has a path"),
                Arguments.of("https://acme.com/#", "has a path"),
                Arguments.of("https://acme.com\\", "has a path"),
                Arguments.of("https://*.acme.com/app", "has a path"),
                Arguments.of("https://acme.com?", "has a query"),
                Arguments.of("https://acme.com?a=b", "has a query"),
                Arguments.of("https://acme.com#top", "has a fragment"),
                Arguments.of("https://user@acme.com", "has userinfo"),
                Arguments.of("https://acme.com@evil.com", "has userinfo"),
                Arguments.of("https://acme.com /", "contains whitespace"),
                Arguments.of("https://acme.com,https://b.com", "contains a comma"),
                Arguments.of("https://acme.com:0", "has an invalid port"),
                Arguments.of("https://acme.com:65536", "has an invalid port"),
                Arguments.of("https://", "has no host"),
                Arguments.of("https:///", "has no host"),
                Arguments.of("https://acme..com", "has an invalid host"),
                Arguments.of("https://127.1", "has an invalid host"),
                Arguments.of("https://*", "has a wildcard without a domain"),
                Arguments.of("https://*.", "has a wildcard without a domain"),
                Arguments.of("https://*:443", "has a wildcard without a domain"),
                Arguments.of("https://*acme.com", notWholeLabel),
                Arguments.of("https://a*.acme.com", notWholeLabel),
                Arguments.of("https://ac*me.com", notWholeLabel),
                Arguments.of("https://**.acme.com", notWholeLabel),
                Arguments.of("https://*-x.acme.com", notWholeLabel),
                Arguments.of("https://a.*.acme.com", notLeftmost),
                Arguments.of("https://*.*.acme.com", notLeftmost),
                Arguments.of("https://acme.*", notLeftmost),
                Arguments.of("https://acme.com.*", notLeftmost),
                Arguments.of("https://a.b*.acme.com", notLeftmost),
                Arguments.of("https://*.com", overTld),
                Arguments.of("https://*.com.", overTld),
                Arguments.of("https://*.COM/", overTld),
                Arguments.of("https://*.localhost", overTld),
                Arguments.of("https://*.xn--p1ai", overTld),
                Arguments.of("https://*.1.2.3.4", overIp),
                Arguments.of("https://*.[::1]", overIp),
                Arguments.of("https://*.[::1]:8080", overIp),
                Arguments.of("https://*.1.2.3", "has an invalid host"),
                Arguments.of("https://*..acme.com", "has an invalid host"),
                Arguments.of("https://*.-acme.com", "has an invalid host"),
                Arguments.of("https://\uff0a.acme.com", "has an invalid host"));
    }

    @Test
    void parse_rejectsNullWithNullPointerException() {
        assertThatThrownBy(() -> OriginPattern.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @MethodSource
    void entry_matchesOnlyTheOriginsItNames(String entry, String origin, boolean matches) throws Exception {
        assertThat(OriginPattern.parse(entry).matches(Origin.parse(origin))).isEqualTo(matches);
    }

    static Stream<Arguments> entry_matchesOnlyTheOriginsItNames() {
        return Stream.of(
                Arguments.of("https://acme.com", "https://acme.com", true),
                Arguments.of("https://acme.com", "https://ACME.COM", true),
                Arguments.of("https://acme.com", "https://acme.com:443", true),
                Arguments.of("https://acme.com", "https://acme.com.", true),
                Arguments.of("https://acme.com/", "https://acme.com", true),
                Arguments.of("https://acme.com", "http://acme.com", false),
                Arguments.of("https://acme.com", "https://acme.com:8443", false),
                Arguments.of("https://acme.com", "https://www.acme.com", false),
                Arguments.of("https://acme.com", "https://evilacme.com", false),
                Arguments.of("https://acme.com", "https://acme.com.evil.com", false),
                Arguments.of("http://localhost:8000", "http://localhost:8000", true),
                Arguments.of("http://localhost:8000", "http://localhost", false),
                Arguments.of("http://localhost:8000", "http://localhost:8001", false),
                Arguments.of("https://bücher.example", "https://xn--bcher-kva.example", true),
                Arguments.of("http://[::1]:3000", "http://[0:0::1]:3000", true),
                Arguments.of("https://*.acme.com", "https://a.acme.com", true),
                Arguments.of("https://*.acme.com", "https://a.b.acme.com", true),
                Arguments.of("https://*.acme.com", "https://A.ACME.COM", true),
                Arguments.of("https://*.acme.com", "https://a.acme.com.", true),
                Arguments.of("https://*.acme.com", "https://a.acme.com:443", true),
                Arguments.of("https://*.acme.com", "https://acme.com", false),
                Arguments.of("https://*.acme.com", "https://evilacme.com", false),
                Arguments.of("https://*.acme.com", "https://a.evilacme.com", false),
                Arguments.of("https://*.acme.com", "https://acme.com.evil.com", false),
                Arguments.of("https://*.acme.com", "https://a.acme.com.evil.com", false),
                Arguments.of("https://*.acme.com", "https://acme.co", false),
                Arguments.of("https://*.acme.com", "https://com", false),
                Arguments.of("https://*.acme.com", "http://a.acme.com", false),
                Arguments.of("https://*.acme.com", "https://a.acme.com:8443", false),
                Arguments.of("https://*.acme.com:8443", "https://a.acme.com:8443", true),
                Arguments.of("https://*.acme.com:8443", "https://a.acme.com", false),
                Arguments.of("https://*.acme.com:8443", "https://acme.com:8443", false),
                Arguments.of("http://*.acme.com", "http://a.acme.com", true),
                Arguments.of("http://*.acme.com", "https://a.acme.com", false),
                Arguments.of("https://*.bücher.example", "https://shop.xn--bcher-kva.example", true),
                Arguments.of("https://*.0.0.1.example", "https://127.0.0.1.example", true),
                Arguments.of("https://*.acme.com", "https://1.2.3.4", false),
                Arguments.of("https://*.acme.com", "https://[::1]", false));
    }

    @Test
    void nothing_matchesNull() throws Exception {
        assertThat(OriginPattern.parse("https://acme.com").matches(null)).isFalse();
        assertThat(OriginPattern.parse("https://*.acme.com").matches(null)).isFalse();
    }

    @Test
    void constructor_rejectsInvalidComponents() {
        assertThatThrownBy(() -> new OriginPattern(null, "acme.com", 443, false))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OriginPattern(Scheme.HTTPS, "", 443, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OriginPattern(Scheme.HTTPS, "acme.com", 0, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
