package dev.widgetedge.core.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Allowlist#isEntrySerializedAs} agrees with {@link Origin#toString()}, and exact entries
 * are found.
 */
class OriginSerializationTest {

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({
            "https://acme.com,https://acme.com,true",
            "https://acme.com,https://acme.com:443,false",
            "https://acme.com,HTTPS://ACME.COM,false",
            "https://acme.com,https://acme.co,false",
            "https://acme.com,https://acme.comx,false",
            "https://acme.com,http://acme.com,false",
            "http://localhost:8000,http://localhost:8000,true",
            "http://localhost:8000,http://localhost:800,false",
            "http://localhost:8000,http://localhost:08000,false",
            "http://localhost:8000,http://localhost:80000,false",
            "http://localhost:8000,http://localhost;8000,false",
            "http://localhost:8000,http://localhost:8000/,false",
            "http://localhost:8000,http://localhost:,false",
            "http://localhost:8000,http://localhost,false",
            "https://[::1],https://[::1],true",
    })
    void anEntry_isSerializedAsExactlyItsSerialization(String origin, String text, boolean expected) throws Exception {
        Origin parsed = Origin.parse(origin);
        Allowlist allowlist = Allowlist.of(List.of(OriginPattern.parse("https://other.example"),
                OriginPattern.parse(origin)));
        int entry = allowlist.exactEntry(parsed);

        assertThat(allowlist.isEntrySerializedAs(entry, text)).isEqualTo(expected);
        assertThat(allowlist.isEntrySerializedAs(entry, text)).isEqualTo(parsed.toString().equals(text));
    }

    @Test
    void exactEntry_findsTheEntry_andNothingForWildcardMatches() throws Exception {
        Allowlist allowlist = Allowlist.of(List.of(OriginPattern.parse("https://*.acme.com"),
                OriginPattern.parse("https://acme.com")));

        int exact = allowlist.exactEntry(Origin.parse("https://acme.com"));

        assertThat(exact).isNotNegative();
        assertThat(allowlist.isEntrySerializedAs(exact, "https://acme.com")).isTrue();
        assertThat(allowlist.exactEntry(Origin.parse("https://shop.acme.com"))).isEqualTo(-1);
        assertThat(allowlist.allows(Origin.parse("https://shop.acme.com"))).isTrue();
        assertThat(allowlist.entries()).containsExactly("https://*.acme.com", "https://acme.com");
    }
}
