package dev.widgetedge.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class WidgetKeyFormatTest {

    /** Checksums computed with Python's {@code zlib.crc32}, independently of this code base. */
    private static final String[] PINNED_KEYS = {
        "pk_live_0000000000000000000000000000000hLQIq",
        "pk_live_abcdefghijklmnopqrstuvwxyzABCD3AEZJO",
        "pk_live_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz3QZuIp",
    };

    /** Characters that are not base62 digits but look like one, or like a separator. */
    private static final String NON_DIGITS = "_-+/=. \t\0\u00e9\u00df\uff10\uff21\u212a\u0430\u2024\uffff";

    @Test
    void mintedKey_isWellFormedAnd44Base62CharactersAfterThePrefix() {
        for (int i = 0; i < 1_000; i++) {
            String key = WidgetKeyFormat.mint();

            assertThat(key).hasSize(WidgetKeyFormat.LENGTH).startsWith("pk_live_");
            assertThat(key.substring(8).chars()).allMatch(c -> Base62.ALPHABET.indexOf(c) >= 0);
            assertThat(WidgetKeyFormat.isWellFormed(key)).as(key).isTrue();
        }
    }

    @Test
    void mintedKeys_differ() {
        assertThat(WidgetKeyFormat.mint()).isNotEqualTo(WidgetKeyFormat.mint());
    }

    @Test
    void mintedKey_drawsItsRandomPartFromTheGivenGenerator() throws Exception {
        assertThat(WidgetKeyFormat.mint(seeded(42))).isEqualTo(WidgetKeyFormat.mint(seeded(42)));
    }

    @Test
    void mintedKey_endsWithTheIndependentlyComputedChecksum() throws Exception {
        SecureRandom random = seeded(7);
        for (int i = 0; i < 200; i++) {
            String key = WidgetKeyFormat.mint(random);

            assertThat(key.substring(38)).isEqualTo(independentChecksum(key.substring(0, 38)));
        }
    }

    @Test
    void pinnedKeys_areWellFormed() {
        for (String key : PINNED_KEYS) {
            assertThat(WidgetKeyFormat.isWellFormed(key)).as(key).isTrue();
            assertThat(key.substring(38)).isEqualTo(independentChecksum(key.substring(0, 38)));
        }
    }

    @Test
    void everySingleCharacterCorruption_isRejected() {
        String corruptions = Base62.ALPHABET + NON_DIGITS;
        String[] keys = {PINNED_KEYS[0], PINNED_KEYS[1], WidgetKeyFormat.mint(), WidgetKeyFormat.mint()};
        int checked = 0;
        for (String key : keys) {
            for (int position = 0; position < key.length(); position++) {
                for (char replacement : corruptions.toCharArray()) {
                    if (replacement == key.charAt(position)) {
                        continue;
                    }
                    String corrupted = replaceAt(key, position, replacement);
                    assertThat(WidgetKeyFormat.isWellFormed(corrupted)).as(corrupted).isFalse();
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(4 * 44 * 70);
    }

    @Test
    void swappingTwoAdjacentDifferentCharacters_isRejected() {
        String key = PINNED_KEYS[1];
        for (int i = 8; i < key.length() - 1; i++) {
            if (key.charAt(i) != key.charAt(i + 1)) {
                String swapped = replaceAt(replaceAt(key, i, key.charAt(i + 1)), i + 1, key.charAt(i));
                assertThat(WidgetKeyFormat.isWellFormed(swapped)).as(swapped).isFalse();
            }
        }
    }

    @Test
    void otherPrefixes_areRejectedEvenWithAMatchingChecksum() {
        for (String prefix : new String[] {"PK_LIVE_", "Pk_live_", "pk_LIVE_", "pk_test_", "sk_live_", "pk-live-", "pk_live-"}) {
            String checked = prefix + "abcdefghijklmnopqrstuvwxyzABCD";
            String key = checked + independentChecksum(checked);

            assertThat(WidgetKeyFormat.isWellFormed(key)).as(key).isFalse();
        }
    }

    @Test
    void wrongLengths_areRejected() {
        String key = PINNED_KEYS[1];

        assertThat(WidgetKeyFormat.isWellFormed(key.substring(0, 43))).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed(key + "0")).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed(key + key)).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed("pk_live_")).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed(" " + key)).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed(key + "\n")).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed("x".repeat(100_000))).isFalse();
    }

    @Test
    void nullAndEmpty_areRejected() {
        assertThat(WidgetKeyFormat.isWellFormed(null)).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed("")).isFalse();
    }

    @Test
    void aChecksumAbove32Bits_isRejected() {
        assertThat(WidgetKeyFormat.isWellFormed("pk_live_abcdefghijklmnopqrstuvwxyzABCDzzzzzz")).isFalse();
    }

    @Test
    void characterSequencesOtherThanStrings_areChecked() {
        String key = PINNED_KEYS[2];

        assertThat(WidgetKeyFormat.isWellFormed(new StringBuilder(key))).isTrue();
        assertThat(WidgetKeyFormat.isWellFormed(CharBuffer.wrap(key))).isTrue();
        assertThat(WidgetKeyFormat.isWellFormed(new StringBuilder(replaceAt(key, 20, 'A')))).isFalse();
    }

    @Test
    void nonAsciiLookalikes_areRejected() {
        String key = PINNED_KEYS[1];
        // A character whose low byte is that of the original would fool a checksum over bytes alone.
        char sameLowByte = (char) (0x100 | key.charAt(20));

        assertThat(WidgetKeyFormat.isWellFormed(replaceAt(key, 20, sameLowByte))).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed(replaceAt(key, 0, '\u0440'))).isFalse();
        assertThat(WidgetKeyFormat.isWellFormed(replaceAt(key, 43, '\uff2f'))).isFalse();
    }

    @Test
    void last8_isTheLastEightCharacters() {
        assertThat(WidgetKeyFormat.last8(PINNED_KEYS[1])).isEqualTo("CD3AEZJO");
        assertThat(WidgetKeyFormat.last8("12345678")).isEqualTo("12345678");
    }

    @Test
    void last8_rejectsTextShorterThanEightCharacters() {
        assertThatThrownBy(() -> WidgetKeyFormat.last8("1234567")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The checksum digits computed without {@link Base62} or {@link Crc32}. */
    static String independentChecksum(String checked) {
        CRC32 crc = new CRC32();
        crc.update(checked.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            out.insert(0, digits.charAt((int) (value % 62)));
            value /= 62;
        }
        return out.toString();
    }

    static String replaceAt(String text, int position, char replacement) {
        char[] chars = text.toCharArray();
        chars[position] = replacement;
        return new String(chars);
    }

    private static SecureRandom seeded(long seed) throws Exception {
        // SHA1PRNG seeded before its first use is deterministic, which makes minting reproducible here.
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        return random;
    }
}
