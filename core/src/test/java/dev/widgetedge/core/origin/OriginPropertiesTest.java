package dev.widgetedge.core.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class OriginPropertiesTest {

    /** A small vocabulary, so that generated origins and entries often overlap. */
    private static final String[] LABELS = {"a", "b", "acme", "com", "evil", "evilacme", "xn--bcher-kva", "_x"};

    @Property
    void parsingTheSerialization_givesTheSameOrigin(@ForAll("origins") Origin origin) throws Exception {
        assertThat(Origin.parse(origin.toString())).isEqualTo(origin);
        assertThat(Origin.parseHeaderOrNull(origin.toString())).isEqualTo(origin);
    }

    @Property
    void explicitDefaultPort_isTheSameOriginAsNoPort(@ForAll("origins") Origin origin) throws Exception {
        String withPort = origin.scheme().text() + "://" + origin.host() + ":" + origin.port();

        assertThat(Origin.parse(withPort)).isEqualTo(origin);
    }

    @Property
    void letterCase_neverMatters(@ForAll("origins") Origin origin, @ForAll Random random) throws Exception {
        String mixedCase = mixCase(origin.toString(), random);

        assertThat(Origin.parse(mixedCase)).isEqualTo(origin);
        assertThat(OriginPattern.parse(mixedCase).matches(origin)).isTrue();
    }

    @Property
    void wildcard_neverMatchesItsOwnApex(@ForAll("wildcards") OriginPattern wildcard) {
        Origin apex = new Origin(wildcard.scheme(), wildcard.host(), wildcard.port());

        assertThat(wildcard.matches(apex)).isFalse();
        assertThat(Allowlist.of(List.of(wildcard)).allows(apex)).isFalse();
    }

    @Property
    void wildcard_matchesEverySubdomainOnTheSameSchemeAndPort(
            @ForAll("wildcards") OriginPattern wildcard, @ForAll("domains") String labels) {
        Origin subdomain = new Origin(wildcard.scheme(), labels + "." + wildcard.host(), wildcard.port());

        assertThat(wildcard.matches(subdomain)).isTrue();
        assertThat(Allowlist.of(List.of(wildcard)).allows(subdomain)).isTrue();
    }

    @Property
    void wildcard_neverMatchesAHostThatMerelyEndsWithItsDomain(
            @ForAll("wildcards") OriginPattern wildcard, @ForAll("label") String label) {
        Origin glued = new Origin(wildcard.scheme(), label + wildcard.host(), wildcard.port());

        assertThat(wildcard.matches(glued)).isFalse();
        assertThat(Allowlist.of(List.of(wildcard)).allows(glued)).isFalse();
    }

    @Property
    void allowlist_allowsExactlyWhatOneOfItsPatternsMatches(
            @ForAll("patternLists") List<OriginPattern> patterns, @ForAll("origins") Origin origin) {
        boolean anyPattern = patterns.stream().anyMatch(pattern -> pattern.matches(origin));

        assertThat(Allowlist.of(patterns).allows(origin)).isEqualTo(anyPattern);
    }

    @Property
    void everyAcceptedEntry_isCanonical(@ForAll("originLikeText") String text) throws Exception {
        OriginPattern pattern;
        try {
            pattern = OriginPattern.parse(text);
        } catch (InvalidOriginException rejected) {
            return;
        }
        String serialized = pattern.toString();
        String authority = serialized.substring(pattern.scheme().text().length() + "://".length());

        assertThat(OriginPattern.parse(serialized)).isEqualTo(pattern);
        assertThat(serialized).isEqualTo(serialized.toLowerCase());
        assertThat(authority).doesNotContain("/", "@", "?", "#", " ", ",", "%", "\\");
    }

    @Property
    void headerParse_agreesWithStrictParse(@ForAll("originLikeText") String text) {
        assertHeaderParseAgreesWithStrictParse(text);
    }

    @Property
    void anyText_isParsedOrRejectedButNeverBreaksTheParser(@ForAll String text) {
        assertHeaderParseAgreesWithStrictParse(text);
        assertThatCode(() -> {
            try {
                OriginPattern.parse(text);
            } catch (InvalidOriginException expected) {
                // Rejection is a normal outcome; any other exception fails the property.
            }
        }).doesNotThrowAnyException();
    }

    @Property
    void ipv6Literals_comeOutInRfc5952Form(@ForAll("ipv6Pieces") int[] pieces) throws Exception {
        StringBuilder full = new StringBuilder("[");
        for (int i = 0; i < pieces.length; i++) {
            full.append(i == 0 ? "" : ":").append(String.format("%04X", pieces[i]));
        }
        String written = full.append(']').toString();

        String host = Origin.parse("https://" + written).host();

        assertThat(host).isEqualTo(rfc5952(pieces));
        assertThat(InetAddress.getByName(host).getAddress()).isEqualTo(InetAddress.getByName(written).getAddress());
        assertThat(Origin.parse("https://" + host).host()).isEqualTo(host);
    }

    @Provide
    Arbitrary<Origin> origins() {
        Arbitrary<String> hosts = Arbitraries.oneOf(domains(), ipv4Addresses(), Arbitraries.of("[::1]", "[2001:db8::1]"));
        return Combinators.combine(Arbitraries.of(Scheme.class), hosts, ports())
                .as((scheme, host, port) -> new Origin(scheme, host, port == 0 ? scheme.defaultPort() : port));
    }

    @Provide
    Arbitrary<OriginPattern> wildcards() {
        Arbitrary<String> twoOrMoreLabels = Combinators.combine(domains(), label()).as((left, top) -> left + "." + top);
        return Combinators.combine(Arbitraries.of(Scheme.class), twoOrMoreLabels, ports())
                .as((scheme, domain, port) ->
                        new OriginPattern(scheme, domain, port == 0 ? scheme.defaultPort() : port, true));
    }

    @Provide
    Arbitrary<List<OriginPattern>> patternLists() {
        Arbitrary<OriginPattern> exact = origins()
                .map(origin -> new OriginPattern(origin.scheme(), origin.host(), origin.port(), false));
        return Arbitraries.oneOf(exact, wildcards()).list().ofMaxSize(8);
    }

    /** One to three labels, the last never numeric (which would make the name an IPv4 address). */
    @Provide
    Arbitrary<String> domains() {
        return label().list().ofMinSize(1).ofMaxSize(3).map(labels -> String.join(".", labels));
    }

    @Provide
    Arbitrary<String> label() {
        Arbitrary<String> generated = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .ofMinLength(1).ofMaxLength(12)
                .filter(text -> !text.chars().allMatch(Character::isDigit));
        return Arbitraries.oneOf(Arbitraries.of(LABELS), generated);
    }

    private Arbitrary<String> ipv4Addresses() {
        return Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(octets -> octets.get(0) + "." + octets.get(1) + "." + octets.get(2) + "." + octets.get(3));
    }

    /** A port, or 0 for "the scheme's default". */
    private Arbitrary<Integer> ports() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.of(80, 443, 8080, 8443)),
                Tuple.of(1, Arbitraries.integers().between(1, 65535)));
    }

    /** Text made mostly of the pieces origins are built from, so that near-misses are common. */
    @Provide
    Arbitrary<String> originLikeText() {
        Arbitrary<String> piece = Arbitraries.of(
                "https://", "http://", "HTTP://", "a", "acme", ".", "com", ":", "443", "0", "8080", "/", "@", "?",
                "#", "*", "*.", "[", "]", "::1", "-", "_", "%", " ", ",", "\\", "1.2.3.4", "ü", "\u3002", "0x");
        return piece.list().ofMaxSize(10).map(pieces -> String.join("", pieces));
    }

    /** Eight 16-bit pieces, often zero, so that runs of zeros of every length occur. */
    @Provide
    Arbitrary<int[]> ipv6Pieces() {
        Arbitrary<Integer> piece = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.integers().between(0, 0xFFFF)));
        return piece.list().ofSize(8).map(list -> list.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void assertHeaderParseAgreesWithStrictParse(String text) {
        Origin strict;
        try {
            strict = Origin.parse(text);
        } catch (InvalidOriginException rejected) {
            strict = null;
        }
        assertThat(Origin.parseHeaderOrNull(text)).isEqualTo(strict);
    }

    private static String mixCase(String text, Random random) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (random.nextBoolean()) {
                chars[i] = Character.toUpperCase(chars[i]);
            }
        }
        return new String(chars);
    }

    /** RFC 5952 text, written independently of {@link Ipv6Literal}: compress the first longest zero run. */
    private static String rfc5952(int[] pieces) {
        int bestStart = -1;
        int bestLength = 0;
        for (int start = 0; start < 8; start++) {
            int length = 0;
            while (start + length < 8 && pieces[start + length] == 0) {
                length++;
            }
            if (length >= 2 && length > bestLength) {
                bestStart = start;
                bestLength = length;
            }
        }
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            if (bestStart < 0 || i < bestStart) {
                left.add(Integer.toHexString(pieces[i]));
            } else if (i >= bestStart + bestLength) {
                right.add(Integer.toHexString(pieces[i]));
            }
        }
        String text = bestStart < 0 ? String.join(":", left) : String.join(":", left) + "::" + String.join(":", right);
        return "[" + text + "]";
    }
}
