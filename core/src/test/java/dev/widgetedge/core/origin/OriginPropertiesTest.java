package dev.widgetedge.core.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.widgetedge.core.testing.Generated;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of origins, allowlist entries and allowlists, each checked on {@value #CASES} inputs
 * drawn from a {@link Random} seeded with {@link #SEED}, so that every run checks the same inputs
 * and a failure names the seed, the case number and the input that broke it.
 */
class OriginPropertiesTest {

    private static final long SEED = 0x5EED_0216_14L;
    private static final int CASES = 5_000;

    /** A small vocabulary, so that generated origins and entries often overlap. */
    private static final String[] LABELS = {"a", "b", "acme", "com", "evil", "evilacme", "xn--bcher-kva", "_x"};

    private static final String[] IPV6_HOSTS = {"[::1]", "[2001:db8::1]"};

    private static final int[] COMMON_PORTS = {80, 443, 8080, 8443};

    /** The pieces origins are built from, so that near-misses are common. */
    private static final String[] ORIGIN_PIECES = {
        "https://", "http://", "HTTP://", "a", "acme", ".", "com", ":", "443", "0", "8080", "/", "@", "?",
        "#", "*", "*.", "[", "]", "::1", "-", "_", "%", " ", ",", "\\", "1.2.3.4", "ü", "\u3002", "0x",
    };

    /** Characters that are special somewhere in an origin or a host, or look like one that is. */
    private static final String SPECIAL_CHARS =
            ":/.@?#*[]%,\\ \t\r\n\0_-\u00fc\u00df\u0130\u0131\u212a\u3002\uff0e\uff61\uff1a\uff0f\ufeff\uffff\ud800\udfff";

    @Test
    void parsingTheSerialization_givesTheSameOrigin() {
        Generated.forAll(SEED, CASES, OriginPropertiesTest::origin, origin -> {
            assertThat(Origin.parse(origin.toString())).isEqualTo(origin);
            assertThat(Origin.parseHeaderOrNull(origin.toString())).isEqualTo(origin);
        });
    }

    @Test
    void explicitDefaultPort_isTheSameOriginAsNoPort() {
        Generated.forAll(SEED, CASES, OriginPropertiesTest::origin, origin -> {
            String withPort = origin.scheme().text() + "://" + origin.host() + ":" + origin.port();

            assertThat(Origin.parse(withPort)).isEqualTo(origin);
        });
    }

    @Test
    void letterCase_neverMatters() {
        record Spelling(Origin origin, String mixedCase) {
        }
        Generated.forAll(SEED, CASES, random -> {
            Origin origin = origin(random);
            return new Spelling(origin, mixCase(origin.toString(), random));
        }, spelling -> {
            assertThat(Origin.parse(spelling.mixedCase())).isEqualTo(spelling.origin());
            assertThat(OriginPattern.parse(spelling.mixedCase()).matches(spelling.origin())).isTrue();
        });
    }

    @Test
    void wildcard_neverMatchesItsOwnApex() {
        Generated.forAll(SEED, CASES, OriginPropertiesTest::wildcard, wildcard -> {
            Origin apex = new Origin(wildcard.scheme(), wildcard.host(), wildcard.port());

            assertThat(wildcard.matches(apex)).isFalse();
            assertThat(Allowlist.of(List.of(wildcard)).allows(apex)).isFalse();
        });
    }

    @Test
    void wildcard_matchesEverySubdomainOnTheSameSchemeAndPort() {
        record Subdomain(OriginPattern wildcard, String labels) {
        }
        Generated.forAll(SEED, CASES, random -> new Subdomain(wildcard(random), domain(random)), subdomain -> {
            OriginPattern wildcard = subdomain.wildcard();
            Origin origin = new Origin(wildcard.scheme(), subdomain.labels() + "." + wildcard.host(), wildcard.port());

            assertThat(wildcard.matches(origin)).isTrue();
            assertThat(Allowlist.of(List.of(wildcard)).allows(origin)).isTrue();
        });
    }

    @Test
    void wildcard_neverMatchesAHostThatMerelyEndsWithItsDomain() {
        record Glued(OriginPattern wildcard, String label) {
        }
        Generated.forAll(SEED, CASES, random -> new Glued(wildcard(random), label(random)), glued -> {
            OriginPattern wildcard = glued.wildcard();
            Origin origin = new Origin(wildcard.scheme(), glued.label() + wildcard.host(), wildcard.port());

            assertThat(wildcard.matches(origin)).isFalse();
            assertThat(Allowlist.of(List.of(wildcard)).allows(origin)).isFalse();
        });
    }

    @Test
    void allowlist_allowsExactlyWhatOneOfItsPatternsMatches() {
        record Question(List<OriginPattern> patterns, Origin origin) {
        }
        Generated.forAll(SEED, CASES, random -> new Question(patternList(random), origin(random)), question -> {
            boolean anyPattern = question.patterns().stream().anyMatch(pattern -> pattern.matches(question.origin()));

            assertThat(Allowlist.of(question.patterns()).allows(question.origin())).isEqualTo(anyPattern);
        });
    }

    @Test
    void everyAcceptedEntry_isCanonical() {
        int[] accepted = {0};
        Generated.forAll(SEED, CASES, OriginPropertiesTest::originLikeText, text -> {
            OriginPattern pattern;
            try {
                pattern = OriginPattern.parse(text);
            } catch (InvalidOriginException rejected) {
                return;
            }
            accepted[0]++;
            String serialized = pattern.toString();
            String authority = serialized.substring(pattern.scheme().text().length() + "://".length());

            assertThat(OriginPattern.parse(serialized)).isEqualTo(pattern);
            assertThat(serialized).isEqualTo(serialized.toLowerCase());
            assertThat(authority).doesNotContain("/", "@", "?", "#", " ", ",", "%", "\\");
        });
        assertThat(accepted[0]).as("entries accepted of %d, seed %d", CASES, SEED).isGreaterThan(CASES / 10);
    }

    @Test
    void headerParse_agreesWithStrictParse() {
        Generated.forAll(SEED, CASES, OriginPropertiesTest::originLikeText, OriginPropertiesTest::assertHeaderParseAgreesWithStrictParse);
    }

    @Test
    void anyText_isParsedOrRejectedButNeverBreaksTheParser() {
        Generated.forAll(SEED, CASES, OriginPropertiesTest::anyText, text -> {
            assertHeaderParseAgreesWithStrictParse(text);
            assertThatCode(() -> {
                try {
                    OriginPattern.parse(text);
                } catch (InvalidOriginException expected) {
                    // Rejection is a normal outcome; any other exception fails the property.
                }
            }).doesNotThrowAnyException();
        });
    }

    @Test
    void ipv6Literals_comeOutInRfc5952Form() {
        Generated.forAll(SEED, CASES, OriginPropertiesTest::ipv6Pieces, pieces -> {
            StringBuilder full = new StringBuilder("[");
            for (int i = 0; i < pieces.length; i++) {
                full.append(i == 0 ? "" : ":").append(String.format("%04X", pieces[i]));
            }
            String written = full.append(']').toString();

            String host = Origin.parse("https://" + written).host();

            assertThat(host).isEqualTo(rfc5952(pieces));
            assertThat(InetAddress.getByName(host).getAddress()).isEqualTo(InetAddress.getByName(written).getAddress());
            assertThat(Origin.parse("https://" + host).host()).isEqualTo(host);
        });
    }

    /** A canonical origin whose host is a domain name, an IPv4 address or (rarely) an IPv6 literal. */
    private static Origin origin(Random random) {
        Scheme scheme = scheme(random);
        String host = switch (random.nextInt(3)) {
            case 0 -> domain(random);
            case 1 -> ipv4Address(random);
            default -> IPV6_HOSTS[random.nextInt(IPV6_HOSTS.length)];
        };
        return new Origin(scheme, host, port(random, scheme));
    }

    /** A wildcard entry over a domain of two to four labels. */
    private static OriginPattern wildcard(Random random) {
        Scheme scheme = scheme(random);
        String domain = domain(random) + "." + label(random);
        return new OriginPattern(scheme, domain, port(random, scheme), true);
    }

    /** Up to eight entries, exact or wildcard. */
    private static List<OriginPattern> patternList(Random random) {
        int size = random.nextInt(9);
        List<OriginPattern> patterns = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            if (random.nextBoolean()) {
                Origin origin = origin(random);
                patterns.add(new OriginPattern(origin.scheme(), origin.host(), origin.port(), false));
            } else {
                patterns.add(wildcard(random));
            }
        }
        return patterns;
    }

    private static Scheme scheme(Random random) {
        return Scheme.values()[random.nextInt(Scheme.values().length)];
    }

    /** One to three labels, joined by dots. */
    private static String domain(Random random) {
        int count = 1 + random.nextInt(3);
        StringBuilder domain = new StringBuilder(label(random));
        for (int i = 1; i < count; i++) {
            domain.append('.').append(label(random));
        }
        return domain.toString();
    }

    /**
     * A label from the vocabulary, or 1–12 random lowercase letters and digits. Never a number,
     * decimal or {@code 0x} hexadecimal, since a name ending in a number is read as an IPv4 address.
     */
    private static String label(Random random) {
        if (random.nextBoolean()) {
            return LABELS[random.nextInt(LABELS.length)];
        }
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        String label;
        do {
            int length = 1 + random.nextInt(12);
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            label = text.toString();
        } while (label.matches("[0-9]+|0x[0-9a-f]*"));
        return label;
    }

    private static String ipv4Address(Random random) {
        return random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }

    /** The scheme's default port three times in five, a common port or any port otherwise. */
    private static int port(Random random, Scheme scheme) {
        return switch (random.nextInt(5)) {
            case 0, 1, 2 -> scheme.defaultPort();
            case 3 -> COMMON_PORTS[random.nextInt(COMMON_PORTS.length)];
            default -> 1 + random.nextInt(65535);
        };
    }

    /**
     * Text made of the pieces origins are built from, so that near-misses are common: half of it
     * up to ten pieces in any order, half of it an entry in mixed case with up to two pieces put
     * in anywhere, so that much of it is accepted.
     */
    private static String originLikeText(Random random) {
        StringBuilder text = new StringBuilder();
        if (random.nextBoolean()) {
            int pieces = random.nextInt(11);
            for (int i = 0; i < pieces; i++) {
                text.append(ORIGIN_PIECES[random.nextInt(ORIGIN_PIECES.length)]);
            }
            return text.toString();
        }
        text.append(mixCase(random.nextBoolean() ? origin(random).toString() : wildcard(random).toString(), random));
        if (random.nextInt(4) == 0) {
            text.append('/');
        }
        int insertions = random.nextInt(3);
        for (int i = 0; i < insertions; i++) {
            text.insert(random.nextInt(text.length() + 1), ORIGIN_PIECES[random.nextInt(ORIGIN_PIECES.length)]);
        }
        return text.toString();
    }

    /**
     * Any text, mostly short, of characters from the whole of UTF-16 (lone surrogates included),
     * with printable ASCII and characters special to origins over-represented; a third of it
     * starts with a scheme so that it gets past the parser's first check.
     */
    private static String anyText(Random random) {
        int length = switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> random.nextInt(300);
            default -> random.nextInt(40);
        };
        StringBuilder text = new StringBuilder();
        if (random.nextInt(3) == 0) {
            text.append(ORIGIN_PIECES[random.nextInt(3)]);
        }
        for (int i = 0; i < length; i++) {
            text.append(switch (random.nextInt(6)) {
                case 0, 1 -> (char) (0x20 + random.nextInt(0x5f));
                case 2 -> SPECIAL_CHARS.charAt(random.nextInt(SPECIAL_CHARS.length()));
                case 3 -> (char) random.nextInt(0x80);
                case 4 -> (char) (0x80 + random.nextInt(0x3000 - 0x80));
                default -> (char) random.nextInt(Character.MAX_VALUE + 1);
            });
        }
        return text.toString();
    }

    /** Eight 16-bit pieces, zero three times in five, so that runs of zeros of every length occur. */
    private static int[] ipv6Pieces(Random random) {
        int[] pieces = new int[8];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = random.nextInt(5) < 3 ? 0 : random.nextInt(0x10000);
        }
        return pieces;
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
