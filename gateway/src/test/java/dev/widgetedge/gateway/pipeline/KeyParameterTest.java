package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.widgetedge.core.key.WidgetKeyFormat;
import org.junit.jupiter.api.Test;

/** {@link KeyParameter#of}: the single {@code key} query parameter, found without a parameter map. */
class KeyParameterTest {

    private static final String PATH = "/v1/widget/bootstrap";

    @Test
    void noQuery_orNoKeyParameter_isNull() {
        assertThat(KeyParameter.of(PATH)).isNull();
        assertThat(KeyParameter.of(PATH + "?")).isNull();
        assertThat(KeyParameter.of(PATH + "?a=1&b=2")).isNull();
        assertThat(KeyParameter.of(PATH + "?&&")).isNull();
    }

    @Test
    void theKeyIsFound_whereverItIsInTheQuery() {
        assertThat(KeyParameter.of(PATH + "?key=abc")).isEqualTo("abc");
        assertThat(KeyParameter.of(PATH + "?a=1&key=abc")).isEqualTo("abc");
        assertThat(KeyParameter.of(PATH + "?key=abc&b=2")).isEqualTo("abc");
        assertThat(KeyParameter.of(PATH + "?a=1&key=abc&b=2")).isEqualTo("abc");
        assertThat(KeyParameter.of(PATH + "?&key=abc&")).isEqualTo("abc");
    }

    @Test
    void aRealKey_comesBackUnchanged() {
        String key = WidgetKeyFormat.mint();

        assertThat(KeyParameter.of(PATH + "?key=" + key)).isEqualTo(key);
    }

    @Test
    void anEmptyKey_withOrWithoutEquals_isEmpty_notAbsent() {
        assertThat(KeyParameter.of(PATH + "?key=")).isEmpty();
        assertThat(KeyParameter.of(PATH + "?key")).isEmpty();
        assertThat(KeyParameter.of(PATH + "?a=1&key&b=2")).isEmpty();
        assertThat(KeyParameter.of(PATH + "?key=&a=1")).isEmpty();
    }

    @Test
    void theValue_isPercentDecoded_andPlusIsASpace() {
        assertThat(KeyParameter.of(PATH + "?key=pk%5Flive%5fabc")).isEqualTo("pk_live_abc");
        assertThat(KeyParameter.of(PATH + "?key=a+b")).isEqualTo("a b");
        assertThat(KeyParameter.of(PATH + "?key=a%2Bb")).isEqualTo("a+b");
        assertThat(KeyParameter.of(PATH + "?key=%C3%A9")).isEqualTo("\u00e9");
    }

    @Test
    void aRepeatedKey_isAmbiguous_evenWithTheSameValueOrAnEmptyOne() {
        assertThat(KeyParameter.of(PATH + "?key=a&key=b")).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of(PATH + "?key=a&key=a")).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of(PATH + "?key=a&x=1&key")).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of(PATH + "?key&key=a")).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of(PATH + "?key=&key=")).isSameAs(KeyParameter.NOT_A_KEY);
    }

    @Test
    void theAmbiguousMarker_isNotAWellFormedKey_soItIsRefusedWithoutALookup() {
        assertThat(WidgetKeyFormat.isWellFormed(KeyParameter.NOT_A_KEY)).isFalse();
        assertThat(KeyParameter.NOT_A_KEY).isNotEmpty();
    }

    @Test
    void parametersThatOnlyStartOrEndWithKey_areNotTheKey() {
        assertThat(KeyParameter.of(PATH + "?keyx=abc")).isNull();
        assertThat(KeyParameter.of(PATH + "?keys=abc")).isNull();
        assertThat(KeyParameter.of(PATH + "?xkey=abc")).isNull();
        assertThat(KeyParameter.of(PATH + "?KEY=abc")).isNull();
        assertThat(KeyParameter.of(PATH + "?key%3D=abc")).isNull();
        assertThat(KeyParameter.of(PATH + "?keyx=abc&key=def")).isEqualTo("def");
        assertThat(KeyParameter.of(PATH + "?key=abc&keyx=def")).isEqualTo("abc");
    }

    @Test
    void theFragment_isIgnored() {
        assertThat(KeyParameter.of(PATH + "?key=abc#frag")).isEqualTo("abc");
        assertThat(KeyParameter.of(PATH + "?key=abc#&key=def")).isEqualTo("abc");
        assertThat(KeyParameter.of(PATH + "?a=1#key=abc")).isNull();
        assertThat(KeyParameter.of(PATH + "?key#x")).isEmpty();
    }

    @Test
    void aKeyInThePath_isNotAQueryParameter() {
        assertThat(KeyParameter.of("/v1/widget/key=abc")).isNull();
    }

    @Test
    void aMalformedPercentEscape_doesNotThrow() {
        // Anything that throws here escapes DecisionHandler#channelRead: the request is neither
        // answered nor released, and the connection hangs until the idle timeout.
        assertThatCode(() -> KeyParameter.of(PATH + "?key=%zz"))
                .as("regression: KeyParameter.of throws on a malformed percent-escape ('%zz'); it should yield a value "
                        + "that is refused as invalid_key")
                .doesNotThrowAnyException();
        assertThatCode(() -> KeyParameter.of(PATH + "?key=abc%"))
                .as("regression: KeyParameter.of throws on an unterminated percent-escape ('abc%')")
                .doesNotThrowAnyException();
    }
}
