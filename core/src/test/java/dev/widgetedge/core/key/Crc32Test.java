package dev.widgetedge.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class Crc32Test {

    @Test
    void checksumOfTheStandardCheckString_isCbf43926() {
        assertThat(Crc32.of("123456789", 0, 9)).isEqualTo(0xCBF43926L);
    }

    @Test
    void checksumOfNothing_isZero() {
        assertThat(Crc32.of("", 0, 0)).isZero();
    }

    @Test
    void everySingleAsciiCharacter_matchesJavaUtilZip() {
        for (char c = 0; c < 128; c++) {
            assertThat(Crc32.of(String.valueOf(c), 0, 1)).as("U+%04X", (int) c).isEqualTo(zip(String.valueOf(c)));
        }
    }

    @Test
    void checksumOfARange_coversOnlyThatRange() {
        assertThat(Crc32.of("xx123456789yy", 2, 11)).isEqualTo(0xCBF43926L);
    }

    @Test
    void mintedKeyPrefixes_matchJavaUtilZip() {
        for (int i = 0; i < 1_000; i++) {
            String checked = WidgetKeyFormat.mint().substring(0, 38);
            assertThat(Crc32.of(checked, 0, 38)).isEqualTo(zip(checked));
        }
    }

    static long zip(String ascii) {
        CRC32 crc = new CRC32();
        crc.update(ascii.getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    @Test
    void everyLengthAndOffset_matchesJavaUtilZip_soTheFourCharacterStepsAndTheTailAgree() {
        java.util.Random random = new java.util.Random(20261124L);
        for (int length = 0; length <= 64; length++) {
            char[] chars = new char[length + 3];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(128);
            }
            String text = new String(chars);
            for (int offset = 0; offset < 3; offset++) {
                java.util.zip.CRC32 expected = new java.util.zip.CRC32();
                expected.update(text.substring(offset, offset + length).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertThat(Crc32.of(text, offset, offset + length)).as("length %d offset %d", length, offset)
                        .isEqualTo(expected.getValue());
            }
        }
    }

    @Test
    void foldingInTwoSteps_equalsFoldingAtOnce() {
        String text = "pk_live_0123456789abcdefghijABCDEFGHIJ";

        int twoSteps = Crc32.update(Crc32.update(Crc32.INITIAL, text, 0, 8), text, 8, text.length());

        assertThat(Crc32.finish(twoSteps)).isEqualTo(Crc32.of(text, 0, text.length()));
    }
}
