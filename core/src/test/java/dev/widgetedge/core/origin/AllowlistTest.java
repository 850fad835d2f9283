package dev.widgetedge.core.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowlistTest {

    @Test
    void emptyAllowlist_allowsNothing() throws Exception {
        assertThat(Allowlist.EMPTY.isEmpty()).isTrue();
        assertThat(Allowlist.EMPTY.entries()).isEmpty();
        assertThat(Allowlist.EMPTY.allows(Origin.parse("https://acme.com"))).isFalse();
        assertThat(Allowlist.of(List.of()).allows(Origin.parse("http://localhost"))).isFalse();
        assertThat(Allowlist.of(List.of())).isEqualTo(Allowlist.EMPTY);
    }

    @Test
    void nullOrigin_isNeverAllowed() throws Exception {
        assertThat(allowlist("https://acme.com", "https://*.acme.com").allows(null)).isFalse();
    }

    @Test
    void entries_areNormalizedInOrderOfFirstAppearanceWithoutDuplicates() throws Exception {
        Allowlist allowlist = allowlist(
                "https://www.acme.com",
                "HTTPS://ACME.COM",
                "https://acme.com:443/",
                "https://*.Acme.com",
                "https://acme.com.",
                "https://bücher.example",
                "https://xn--bcher-kva.example/",
                "https://*.acme.com:443");

        assertThat(allowlist.entries()).containsExactly(
                "https://www.acme.com", "https://acme.com", "https://*.acme.com", "https://xn--bcher-kva.example");
        assertThat(allowlist.isEmpty()).isFalse();
    }

    @Test
    void entries_cannotBeModified() throws Exception {
        List<String> entries = allowlist("https://acme.com").entries();

        assertThatThrownBy(() -> entries.add("https://evil.com")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void allowlist_isNotAffectedByLaterChangesToItsSource() throws Exception {
        List<OriginPattern> patterns = new ArrayList<>(List.of(OriginPattern.parse("https://acme.com")));
        Allowlist allowlist = Allowlist.of(patterns);

        patterns.add(OriginPattern.parse("https://evil.com"));

        assertThat(allowlist.allows(Origin.parse("https://evil.com"))).isFalse();
        assertThat(allowlist.entries()).containsExactly("https://acme.com");
    }

    @Test
    void exactAndWildcardEntries_allowWhatTheSpecSays() throws Exception {
        Allowlist allowlist = allowlist("https://acme.com", "https://*.acme.com", "http://localhost:8000");

        assertAllows(allowlist, "https://acme.com", "https://a.acme.com", "https://a.b.acme.com",
                "https://ACME.com:443", "https://www.acme.com.", "http://localhost:8000");
        assertRefuses(allowlist, "http://acme.com", "http://a.acme.com", "https://evilacme.com",
                "https://acme.com.evil.com", "https://a.acme.com:8443", "https://acme.com:8443",
                "http://localhost", "https://localhost:8000", "https://acme.co", "https://com");
    }

    @Test
    void wildcardEntry_doesNotMatchApexDomain() throws Exception {
        Allowlist allowlist = allowlist("https://*.acme.com");

        assertRefuses(allowlist, "https://acme.com");
        assertAllows(allowlist, "https://www.acme.com");
    }

    @Test
    void wildcardEntryWithPort_matchesOnlyThatPort() throws Exception {
        Allowlist allowlist = allowlist("https://*.acme.com:8443");

        assertAllows(allowlist, "https://a.acme.com:8443");
        assertRefuses(allowlist, "https://a.acme.com", "https://a.acme.com:443", "http://a.acme.com:8443");
    }

    @Test
    void wildcardsOnDifferentSchemesAndPorts_areKeptApart() throws Exception {
        Allowlist allowlist = allowlist("http://*.acme.com", "https://*.acme.com:8443", "https://*.other.com");

        assertAllows(allowlist, "http://a.acme.com", "https://a.acme.com:8443", "https://a.other.com");
        assertRefuses(allowlist, "https://a.acme.com", "http://a.acme.com:8443", "http://a.other.com");
    }

    @Test
    void domainsWithTheSameHashCode_areStillCompared() throws Exception {
        assertThat("aan".hashCode()).isEqualTo("ac0".hashCode());
        Allowlist allowlist = allowlist("https://*.aan.com", "https://ac0.com");

        assertAllows(allowlist, "https://x.aan.com", "https://ac0.com");
        assertRefuses(allowlist, "https://x.ac0.com", "https://aan.com");
    }

    @Test
    void manyWildcards_areAllFound() throws Exception {
        List<OriginPattern> patterns = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            patterns.add(OriginPattern.parse("https://*.site" + i + ".example"));
        }
        Allowlist allowlist = Allowlist.of(patterns);

        for (int i = 0; i < 1_000; i++) {
            assertAllows(allowlist, "https://www.site" + i + ".example");
            assertRefuses(allowlist, "https://site" + i + ".example", "https://www.site" + i + ".example.evil");
        }
        assertRefuses(allowlist, "https://www.site1000.example");
    }

    @Test
    void ipAddressOrigins_matchOnlyExactEntries() throws Exception {
        Allowlist allowlist = allowlist("http://127.0.0.1:8080", "http://[::1]:3000", "https://*.0.1.example");

        assertAllows(allowlist, "http://127.0.0.1:8080", "http://[0:0:0:0:0:0:0:1]:3000");
        assertRefuses(allowlist, "http://127.0.0.1", "http://10.0.0.1:8080", "http://[::2]:3000");
    }

    @Test
    void allowlist_agreesWithItsPatternsOneByOne() throws Exception {
        List<OriginPattern> patterns = patterns(
                "https://acme.com", "https://*.acme.com", "http://*.b.acme.com:81", "https://*.acme.co");
        Allowlist allowlist = Allowlist.of(patterns);
        String[] origins = {"https://acme.com", "https://a.acme.com", "http://c.b.acme.com:81",
            "http://b.acme.com:81", "https://a.acme.co", "https://acme.co", "https://a.acme.com.co"};

        for (String text : origins) {
            Origin origin = Origin.parse(text);
            boolean anyPattern = patterns.stream().anyMatch(pattern -> pattern.matches(origin));
            assertThat(allowlist.allows(origin)).as(text).isEqualTo(anyPattern);
        }
    }

    @Test
    void allowlists_withTheSameEntriesInTheSameOrder_areEqual() throws Exception {
        assertThat(allowlist("https://a.com", "https://b.com"))
                .isEqualTo(allowlist("HTTPS://A.COM", "https://b.com/", "https://a.com"))
                .hasSameHashCodeAs(allowlist("https://a.com", "https://b.com"))
                .isNotEqualTo(allowlist("https://b.com", "https://a.com"))
                .hasToString("Allowlist[https://a.com, https://b.com]");
    }

    @Test
    void nullPattern_isRejected() {
        assertThatThrownBy(() -> Allowlist.of(Arrays.asList((OriginPattern) null)))
                .isInstanceOf(NullPointerException.class);
    }

    private static Allowlist allowlist(String... entries) throws InvalidOriginException {
        return Allowlist.of(patterns(entries));
    }

    private static List<OriginPattern> patterns(String... entries) throws InvalidOriginException {
        List<OriginPattern> patterns = new ArrayList<>();
        for (String entry : entries) {
            patterns.add(OriginPattern.parse(entry));
        }
        return patterns;
    }

    private static void assertAllows(Allowlist allowlist, String... origins) throws InvalidOriginException {
        for (String origin : origins) {
            assertThat(allowlist.allows(Origin.parse(origin))).as("%s allows %s", allowlist, origin).isTrue();
        }
    }

    private static void assertRefuses(Allowlist allowlist, String... origins) throws InvalidOriginException {
        for (String origin : origins) {
            assertThat(allowlist.allows(Origin.parse(origin))).as("%s refuses %s", allowlist, origin).isFalse();
        }
    }
}
