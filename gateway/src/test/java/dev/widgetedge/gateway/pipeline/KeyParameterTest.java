package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.widgetedge.core.key.WidgetKeyFormat;
import org.junit.jupiter.api.Test;

/** {@link KeyParameter#of}: the single {@code key} parameter of a raw query, found without a parameter map. */
class KeyParameterTest {

    @Test
    void noQuery_orNoKeyParameter_isNull() {
        assertThat(KeyParameter.of(null)).isNull();
        assertThat(KeyParameter.of("")).isNull();
        assertThat(KeyParameter.of("a=1&b=2")).isNull();
        assertThat(KeyParameter.of("&&")).isNull();
    }

    @Test
    void theKeyIsFound_whereverItIsInTheQuery() {
        assertThat(KeyParameter.of("key=abc")).isEqualTo("abc");
        assertThat(KeyParameter.of("a=1&key=abc")).isEqualTo("abc");
        assertThat(KeyParameter.of("key=abc&b=2")).isEqualTo("abc");
        assertThat(KeyParameter.of("a=1&key=abc&b=2")).isEqualTo("abc");
        assertThat(KeyParameter.of("&key=abc&")).isEqualTo("abc");
    }

    @Test
    void aRealKey_comesBackUnchanged() {
        String key = WidgetKeyFormat.mint();

        assertThat(KeyParameter.of("key=" + key)).isEqualTo(key);
    }

    @Test
    void anEmptyKey_withOrWithoutEquals_isEmpty_notAbsent() {
        assertThat(KeyParameter.of("key=")).isEmpty();
        assertThat(KeyParameter.of("key")).isEmpty();
        assertThat(KeyParameter.of("a=1&key&b=2")).isEmpty();
        assertThat(KeyParameter.of("key=&a=1")).isEmpty();
    }

    @Test
    void theValue_isPercentDecoded_andPlusIsASpace() {
        assertThat(KeyParameter.of("key=pk%5Flive%5fabc")).isEqualTo("pk_live_abc");
        assertThat(KeyParameter.of("key=a+b")).isEqualTo("a b");
        assertThat(KeyParameter.of("key=a%2Bb")).isEqualTo("a+b");
        assertThat(KeyParameter.of("key=%C3%A9")).isEqualTo("\u00e9");
    }

    @Test
    void aRepeatedKey_isAmbiguous_evenWithTheSameValueOrAnEmptyOne() {
        assertThat(KeyParameter.of("key=a&key=b")).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of("key=a&key=a")).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of("key=a&x=1&key")).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of("key&key=a")).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of("key=&key=")).isSameAs(KeyParameter.NOT_A_KEY);
    }

    @Test
    void theAmbiguousMarker_isNotAWellFormedKey_soItIsRefusedWithoutALookup() {
        assertThat(WidgetKeyFormat.isWellFormed(KeyParameter.NOT_A_KEY)).isFalse();
        assertThat(KeyParameter.NOT_A_KEY).isNotEmpty();
    }

    @Test
    void parametersThatOnlyStartOrEndWithKey_areNotTheKey() {
        assertThat(KeyParameter.of("keyx=abc")).isNull();
        assertThat(KeyParameter.of("keys=abc")).isNull();
        assertThat(KeyParameter.of("xkey=abc")).isNull();
        assertThat(KeyParameter.of("KEY=abc")).isNull();
        assertThat(KeyParameter.of("key%3D=abc")).isNull();
        assertThat(KeyParameter.of("keyx=abc&key=def")).isEqualTo("def");
        assertThat(KeyParameter.of("key=abc&keyx=def")).isEqualTo("abc");
    }

    @Test
    void aMalformedPercentEscape_doesNotThrow() {
        // Anything that throws here escapes DecisionHandler#channelRead: the request is neither
        // answered nor released, and the connection hangs until the idle timeout.
        assertThatCode(() -> KeyParameter.of("key=%zz"))
                .as("regression: KeyParameter.of throws on a malformed percent-escape ('%zz'); it should yield a value "
                        + "that is refused as invalid_key")
                .doesNotThrowAnyException();
        assertThatCode(() -> KeyParameter.of("key=abc%"))
                .as("regression: KeyParameter.of throws on an unterminated percent-escape ('abc%')")
                .doesNotThrowAnyException();
    }
}
