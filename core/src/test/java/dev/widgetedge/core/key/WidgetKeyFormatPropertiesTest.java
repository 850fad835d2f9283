package dev.widgetedge.core.key;

import static dev.widgetedge.core.key.WidgetKeyFormatTest.independentChecksum;
import static dev.widgetedge.core.key.WidgetKeyFormatTest.replaceAt;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class WidgetKeyFormatPropertiesTest {

    @Property
    void keysWithTheIndependentChecksum_areWellFormed(@ForAll("keys") String key) {
        assertThat(WidgetKeyFormat.isWellFormed(key)).isTrue();
    }

    @Property
    void anyChangeToOneCharacter_isRejected(
            @ForAll("keys") String key, @ForAll @IntRange(max = 43) int position, @ForAll char replacement) {
        Assume.that(replacement != key.charAt(position));

        assertThat(WidgetKeyFormat.isWellFormed(replaceAt(key, position, replacement))).isFalse();
    }

    @Property
    void prefixedBase62Text_isWellFormedOnlyWhenItsLastSixDigitsAreTheChecksum(
            @ForAll("base62") String digits) {
        String candidate = WidgetKeyFormat.PREFIX + digits;
        boolean checksumMatches = digits.substring(30).equals(independentChecksum(candidate.substring(0, 38)));

        assertThat(WidgetKeyFormat.isWellFormed(candidate)).isEqualTo(checksumMatches);
    }

    @Property
    void arbitraryText_isNeverWellFormedUnlessItsChecksumMatches(@ForAll String text) {
        boolean couldBeAKey = text.length() == 44
                && text.startsWith(WidgetKeyFormat.PREFIX)
                && text.substring(8).chars().allMatch(c -> Base62.ALPHABET.indexOf(c) >= 0)
                && text.substring(38).equals(independentChecksum(text.substring(0, 38)));

        assertThat(WidgetKeyFormat.isWellFormed(text)).isEqualTo(couldBeAKey);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().withChars(Base62.ALPHABET.toCharArray()).ofLength(30)
                .map(random -> WidgetKeyFormat.PREFIX + random)
                .map(checked -> checked + independentChecksum(checked));
    }

    @Provide
    Arbitrary<String> base62() {
        return Arbitraries.strings().withChars(Base62.ALPHABET.toCharArray()).ofLength(36);
    }
}
