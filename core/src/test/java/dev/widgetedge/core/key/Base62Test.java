package dev.widgetedge.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Base62Test {

    @Test
    void alphabet_isDigitsThenUpperThenLowerCase() {
        assertThat(Base62.ALPHABET)
                .hasSize(62)
                .startsWith("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                .endsWith("abcdefghijklmnopqrstuvwxyz");
    }

    @Test
    void valueOf_isTheIndexInTheAlphabet() {
        for (int i = 0; i < Base62.ALPHABET.length(); i++) {
            assertThat(Base62.valueOf(Base62.ALPHABET.charAt(i))).isEqualTo(i);
        }
    }

    @Test
    void valueOf_isMinusOneForEveryOtherCharacter() {
        for (char c = 0; c < 0x3000; c++) {
            if (Base62.ALPHABET.indexOf(c) < 0) {
                assertThat(Base62.valueOf(c)).as("U+%04X", (int) c).isEqualTo(-1);
            }
        }
        assertThat(Base62.valueOf('\uFF10')).as("fullwidth zero").isEqualTo(-1);
        assertThat(Base62.valueOf('\uFFFF')).isEqualTo(-1);
    }

    @Test
    void encodePadded_writesMostSignificantDigitFirstWithZeroPadding() {
        assertThat(Base62.encodePadded(0, 6)).isEqualTo("000000");
        assertThat(Base62.encodePadded(61, 3)).isEqualTo("00z");
        assertThat(Base62.encodePadded(62, 3)).isEqualTo("010");
        assertThat(Base62.encodePadded(62L * 62 * 62 - 1, 3)).isEqualTo("zzz");
        assertThat(Base62.encodePadded(0xFFFF_FFFFL, 6)).isEqualTo("4gfFC3");
        assertThat(Base62.encodePadded(Long.MAX_VALUE, 11)).isEqualTo("AzL8n0Y58m7");
    }

    @Test
    void encodePadded_rejectsValuesThatNeedMoreDigits() {
        assertThatThrownBy(() -> Base62.encodePadded(62L * 62 * 62, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base62.encodePadded(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodePadded_rejectsNegativeValuesAndWidths() {
        assertThatThrownBy(() -> Base62.encodePadded(-1, 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base62.encodePadded(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodePadded_intoArray_writesOnlyItsRange() {
        char[] out = "..........".toCharArray();

        Base62.encodePadded(62, 4, out, 3);

        assertThat(new String(out)).isEqualTo("...0010...");
    }

    @Test
    void encodePadded_intoArray_leavesTheArrayUntouchedWhenTheValueDoesNotFit() {
        char[] out = "....".toCharArray();

        assertThatThrownBy(() -> Base62.encodePadded(62 * 62, 2, out, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new String(out)).isEqualTo("....");
    }

    @Test
    void encodePadded_intoArray_rejectsARangeOutsideTheArray() {
        assertThatThrownBy(() -> Base62.encodePadded(1, 4, new char[4], 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void random_returnsTheRequestedNumberOfBase62Digits() {
        SecureRandom random = new SecureRandom();
        for (int length : new int[] {0, 1, 30, 43, 1000}) {
            String digits = Base62.random(random, length);
            assertThat(digits).hasSize(length);
            assertThat(digits.chars()).allMatch(c -> Base62.ALPHABET.indexOf(c) >= 0);
        }
    }

    @Test
    void random_rejectsANegativeLength() {
        assertThatThrownBy(() -> Base62.random(new SecureRandom(), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void random_usesEveryDigitAboutEquallyOften() {
        // 620,000 draws: each digit expects 10,000 with a standard deviation near 100. Reducing six
        // random bits modulo 62 would draw 0 and 1 twice as often, far outside ±600.
        int[] counts = new int[62];
        String digits = Base62.random(new SecureRandom(), 620_000);
        digits.chars().forEach(c -> counts[Base62.valueOf((char) c)]++);

        assertThat(Arrays.stream(counts).min().orElseThrow()).isGreaterThan(9_400);
        assertThat(Arrays.stream(counts).max().orElseThrow()).isLessThan(10_600);
    }

    @Test
    void random_neverUsesTheTwoRejectedSixBitValues() {
        // Low six bits 63 on the first fill, 62 on the second, 5 from then on.
        SecureRandom skewed = new SecureRandom() {
            private int fills;

            @Override
            public void nextBytes(byte[] bytes) {
                fills++;
                Arrays.fill(bytes, fills == 1 ? (byte) 0x3F : fills == 2 ? (byte) 0x7E : (byte) 0x05);
            }
        };

        assertThat(Base62.random(skewed, 4)).isEqualTo("5555");
    }
}
