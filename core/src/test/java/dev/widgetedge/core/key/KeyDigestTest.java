package dev.widgetedge.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Key ids and digests: the derivation, its reuse of per-thread buffers, and constant-time comparison. */
class KeyDigestTest {

    /** The key id as its definition states it, computed from scratch. */
    private static UUID referenceId(String key) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("widget-edge key id\0".getBytes(StandardCharsets.US_ASCII));
        byte[] hash = sha.digest(key.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x80);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bits.getLong(), bits.getLong());
    }

    @Test
    void keyId_isTheDomainSeparatedDigest_asAVersion8Uuid() throws Exception {
        for (int i = 0; i < 200; i++) {
            String key = WidgetKeyFormat.mint();
            UUID id = KeyDigest.keyId(key);

            assertThat(id).isEqualTo(referenceId(key));
            assertThat(id.version()).isEqualTo(8);
            assertThat(id.variant()).isEqualTo(2);
        }
    }

    @Test
    void keyId_ofTextThatIsNotAKey_stillFollowsTheDefinition() throws Exception {
        for (String text : List.of("", "x", "bücher", "a".repeat(200), "pk_live_\u00e9\u00e9")) {
            assertThat(KeyDigest.keyId(text)).isEqualTo(referenceId(text));
        }
    }

    @Test
    void keyId_isTheSameOnEveryThread() throws Exception {
        String key = WidgetKeyFormat.mint();
        UUID expected = referenceId(key);
        List<CompletableFuture<UUID>> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(CompletableFuture.supplyAsync(() -> {
                KeyDigest.keyId(WidgetKeyFormat.mint());
                return KeyDigest.keyId(key);
            }));
        }

        assertThat(ids).allSatisfy(id -> assertThat(id.join()).isEqualTo(expected));
    }

    @Test
    void sha256Hex_isLowercaseHexOfTheUtf8Bytes() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest("secret".getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte b : expected) {
            hex.append(String.format("%02x", b));
        }

        assertThat(KeyDigest.sha256Hex("secret")).isEqualTo(hex.toString());
    }

    @Test
    void constantTimeEquals_comparesWholeValues() {
        assertThat(KeyDigest.constantTimeEquals("abc", "abc")).isTrue();
        assertThat(KeyDigest.constantTimeEquals("abc", "abd")).isFalse();
        assertThat(KeyDigest.constantTimeEquals("abc", "abcd")).isFalse();
    }
}
