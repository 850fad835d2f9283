package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.server.RequestTarget;
import org.junit.jupiter.api.Test;

/** {@link KeyParameter#of}: the single {@code key} parameter of a target's query, found without a parameter map. */
class KeyParameterTest {

    /** The target of a bootstrap request with {@code query}. */
    private static RequestTarget query(String query) {
        return RequestTarget.parse("/v1/widget/bootstrap?" + query);
    }

    @Test
    void noQuery_orNoKeyParameter_isNull() {
        assertThat(KeyParameter.of(RequestTarget.parse("/v1/widget/bootstrap"))).isNull();
        assertThat(KeyParameter.of(query(""))).isNull();
        assertThat(KeyParameter.of(query("a=1&b=2"))).isNull();
        assertThat(KeyParameter.of(query("&&"))).isNull();
    }

    @Test
    void theKeyIsFound_whereverItIsInTheQuery() {
        assertThat(KeyParameter.of(query("key=abc"))).isEqualTo("abc");
        assertThat(KeyParameter.of(query("a=1&key=abc"))).isEqualTo("abc");
        assertThat(KeyParameter.of(query("key=abc&b=2"))).isEqualTo("abc");
        assertThat(KeyParameter.of(query("a=1&key=abc&b=2"))).isEqualTo("abc");
        assertThat(KeyParameter.of(query("&key=abc&"))).isEqualTo("abc");
    }

    @Test
    void aRealKey_comesBackUnchanged() {
        String key = WidgetKeyFormat.mint();

        assertThat(KeyParameter.of(query("key=" + key))).isEqualTo(key);
    }

    @Test
    void anEmptyKey_withOrWithoutEquals_isEmpty_notAbsent() {
        assertThat(KeyParameter.of(query("key="))).isEmpty();
        assertThat(KeyParameter.of(query("key"))).isEmpty();
        assertThat(KeyParameter.of(query("a=1&key&b=2"))).isEmpty();
        assertThat(KeyParameter.of(query("key=&a=1"))).isEmpty();
    }

    @Test
    void theValue_isPercentDecoded_andPlusIsASpace() {
        assertThat(KeyParameter.of(query("key=pk%5Flive%5fabc"))).isEqualTo("pk_live_abc");
        assertThat(KeyParameter.of(query("key=a+b"))).isEqualTo("a b");
        assertThat(KeyParameter.of(query("key=a%2Bb"))).isEqualTo("a+b");
        assertThat(KeyParameter.of(query("key=%C3%A9"))).isEqualTo("\u00e9");
    }

    @Test
    void aRepeatedKey_isAmbiguous_evenWithTheSameValueOrAnEmptyOne() {
        assertThat(KeyParameter.of(query("key=a&key=b"))).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of(query("key=a&key=a"))).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of(query("key=a&x=1&key"))).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of(query("key&key=a"))).isSameAs(KeyParameter.NOT_A_KEY);
        assertThat(KeyParameter.of(query("key=&key="))).isSameAs(KeyParameter.NOT_A_KEY);
    }

    @Test
    void theAmbiguousMarker_isNotAWellFormedKey_soItIsRefusedWithoutALookup() {
        assertThat(WidgetKeyFormat.isWellFormed(KeyParameter.NOT_A_KEY)).isFalse();
        assertThat(KeyParameter.NOT_A_KEY).isNotEmpty();
    }

    @Test
    void parametersThatOnlyStartOrEndWithKey_areNotTheKey() {
        assertThat(KeyParameter.of(query("keyx=abc"))).isNull();
        assertThat(KeyParameter.of(query("keys=abc"))).isNull();
        assertThat(KeyParameter.of(query("xkey=abc"))).isNull();
        assertThat(KeyParameter.of(query("KEY=abc"))).isNull();
        assertThat(KeyParameter.of(query("key%3D=abc"))).isNull();
        assertThat(KeyParameter.of(query("keyx=abc&key=def"))).isEqualTo("def");
        assertThat(KeyParameter.of(query("key=abc&keyx=def"))).isEqualTo("abc");
    }

    @Test
    void aMalformedPercentEscape_doesNotThrow() {
        // Anything that throws here escapes the exchange handler: the request is neither
        // answered nor released, and the connection hangs until the idle timeout.
        assertThatCode(() -> KeyParameter.of(query("key=%zz")))
                .as("regression: KeyParameter.of throws on a malformed percent-escape ('%zz'); it should yield a value "
                        + "that is refused as invalid_key")
                .doesNotThrowAnyException();
        assertThatCode(() -> KeyParameter.of(query("key=abc%")))
                .as("regression: KeyParameter.of throws on an unterminated percent-escape ('abc%')")
                .doesNotThrowAnyException();
    }
}
