package dev.widgetedge.core.key;

import static dev.widgetedge.core.key.WidgetKeyFormatTest.independentChecksum;
import static dev.widgetedge.core.key.WidgetKeyFormatTest.replaceAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.testing.Generated;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of the key format, each checked on {@value #CASES} inputs drawn from a
 * {@link Random} seeded with {@link #SEED}, so that every run checks the same inputs and a failure
 * names the seed, the case number and the input that broke it.
 */
class WidgetKeyFormatPropertiesTest {

    private static final long SEED = 0x5EED_4B45_59L;
    private static final int CASES = 5_000;

    private static final int RANDOM_DIGITS = 30;

    /** Characters that are not base62 digits but look like one, or like a separator. */
    private static final String NON_DIGITS = "_-+/=. \t\0\u00e9\u00df\uff10\uff21\u212a\u0430\u2024\uffff\ud800\udfff";

    @Test
    void keysWithTheIndependentChecksum_areWellFormed() {
        Generated.forAll(SEED, CASES, WidgetKeyFormatPropertiesTest::key, key ->
                assertThat(WidgetKeyFormat.isWellFormed(key)).isTrue());
    }

    @Test
    void anyChangeToOneCharacter_isRejected() {
        record Change(String key, int position, char replacement) {
            String changed() {
                return replaceAt(key, position, replacement);
            }
        }
        Generated.forAll(SEED, CASES, random -> {
            String key = key(random);
            int position = random.nextInt(WidgetKeyFormat.LENGTH);
            char replacement;
            do {
                replacement = anyChar(random);
            } while (replacement == key.charAt(position));
            return new Change(key, position, replacement);
        }, change -> assertThat(WidgetKeyFormat.isWellFormed(change.changed())).isFalse());
    }

    @Test
    void prefixedBase62Text_isWellFormedOnlyWhenItsLastSixDigitsAreTheChecksum() {
        Generated.forAll(SEED, CASES, random -> {
            String checked = WidgetKeyFormat.PREFIX + base62(random, RANDOM_DIGITS);
            String checksum = independentChecksum(checked);
            int position = random.nextInt(6);
            String lastSix = switch (random.nextInt(4)) {
                case 0 -> checksum;
                case 1 -> replaceAt(checksum, position, otherDigit(random, checksum.charAt(position)));
                // The checksum plus a multiple of 2^32 (still below 62^6): equal to it only if the high bits are dropped.
                case 2 -> sixDigits(value(checksum) + (1L + random.nextInt(12)) * (1L << 32));
                default -> base62(random, 6);
            };
            return checked.substring(WidgetKeyFormat.PREFIX.length()) + lastSix;
        }, digits -> {
            String candidate = WidgetKeyFormat.PREFIX + digits;
            boolean checksumMatches = digits.substring(30).equals(independentChecksum(candidate.substring(0, 38)));

            assertThat(WidgetKeyFormat.isWellFormed(candidate)).isEqualTo(checksumMatches);
        });
    }

    @Test
    void arbitraryText_isNeverWellFormedUnlessItsChecksumMatches() {
        Generated.forAll(SEED, CASES, WidgetKeyFormatPropertiesTest::keyLikeText, text -> {
            boolean couldBeAKey = text.length() == 44
                    && text.startsWith(WidgetKeyFormat.PREFIX)
                    && text.substring(8).chars().allMatch(c -> Base62.ALPHABET.indexOf(c) >= 0)
                    && text.substring(38).equals(independentChecksum(text.substring(0, 38)));

            assertThat(WidgetKeyFormat.isWellFormed(text)).isEqualTo(couldBeAKey);
        });
    }

    /** A key: the prefix, 30 random base62 digits and the independently computed checksum. */
    private static String key(Random random) {
        String checked = WidgetKeyFormat.PREFIX + base62(random, RANDOM_DIGITS);
        return checked + independentChecksum(checked);
    }

    private static String base62(Random random, int length) {
        StringBuilder digits = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            digits.append(Base62.ALPHABET.charAt(random.nextInt(Base62.ALPHABET.length())));
        }
        return digits.toString();
    }

    private static char otherDigit(Random random, char digit) {
        char other;
        do {
            other = Base62.ALPHABET.charAt(random.nextInt(Base62.ALPHABET.length()));
        } while (other == digit);
        return other;
    }

    /** Any character, with base62 digits and near-misses over-represented since they are the hard cases. */
    private static char anyChar(Random random) {
        return switch (random.nextInt(4)) {
            case 0, 1 -> Base62.ALPHABET.charAt(random.nextInt(Base62.ALPHABET.length()));
            case 2 -> NON_DIGITS.charAt(random.nextInt(NON_DIGITS.length()));
            default -> (char) random.nextInt(Character.MAX_VALUE + 1);
        };
    }

    /** Any text, mostly short, of any characters. */
    private static String anyText(Random random) {
        int length = switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> random.nextInt(300);
            default -> random.nextInt(50);
        };
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextBoolean() ? (char) (0x20 + random.nextInt(0x5f)) : anyChar(random));
        }
        return text.toString();
    }

    /**
     * Arbitrary text, including the texts that come close to being a key: keys themselves, keys
     * with a character changed, added or removed, and the prefix followed by digit-like text.
     */
    private static String keyLikeText(Random random) {
        String key = key(random);
        int position = random.nextInt(WidgetKeyFormat.LENGTH);
        return switch (random.nextInt(8)) {
            case 0, 1 -> anyText(random);
            case 2 -> key;
            case 3 -> replaceAt(key, position, anyChar(random));
            case 4 -> key.substring(0, position) + anyChar(random) + key.substring(position);
            case 5 -> key.substring(0, position) + key.substring(position + 1);
            case 6 -> random.nextBoolean() ? key.substring(0, position) : key + anyText(random);
            default -> {
                StringBuilder text = new StringBuilder(WidgetKeyFormat.PREFIX);
                for (int i = 0; i < WidgetKeyFormat.LENGTH - WidgetKeyFormat.PREFIX.length(); i++) {
                    text.append(anyChar(random));
                }
                yield text.toString();
            }
        };
    }

    /** The value of base62 digits, most significant first. */
    private static long value(String digits) {
        long value = 0;
        for (char digit : digits.toCharArray()) {
            value = value * 62 + Base62.ALPHABET.indexOf(digit);
        }
        return value;
    }

    /** {@code value} (below 62^6) as six base62 digits, computed without {@link Base62#encodePadded}. */
    private static String sixDigits(long value) {
        char[] digits = new char[6];
        long rest = value;
        for (int i = 5; i >= 0; i--) {
            digits[i] = Base62.ALPHABET.charAt((int) (rest % 62));
            rest /= 62;
        }
        return new String(digits);
    }
}
