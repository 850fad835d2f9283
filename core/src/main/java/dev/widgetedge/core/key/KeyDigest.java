package dev.widgetedge.core.key;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Digests of secrets. Only digests are stored: SHA-256 of the UTF-8 bytes, as lowercase hex.
 *
 * <p>A widget key's id is derived from the key as well, so that the gateway can find a key's
 * record from the key alone with one read, and the admin API can find it from the id with the
 * same read. The id hashes the key with a different prefix than the stored digest, so the id
 * (which is shown in listings) discloses nothing about the stored digest.
 */
public final class KeyDigest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY_ID_DOMAIN = "widget-edge key id\0".getBytes(StandardCharsets.US_ASCII);
    /**
     * A digest and buffers per thread for {@link #keyId}, which the gateway computes for every
     * request whose key it has not seen lately (a flood of forged keys included): no provider
     * lookup and no garbage but the id itself.
     */
    private static final ThreadLocal<IdHasher> ID_HASHER = ThreadLocal.withInitial(IdHasher::new);

    private KeyDigest() {
    }

    /** SHA-256 of the secret's UTF-8 bytes, as 64 lowercase hex characters. */
    public static String sha256Hex(String secret) {
        return HEX.formatHex(sha256().digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The id of the widget key {@code key}: a version 8 (RFC 9562, custom) UUID made of the
     * first 122 bits of a domain-separated SHA-256 of the key.
     */
    public static UUID keyId(String key) {
        return ID_HASHER.get().keyId(key);
    }

    /** Compares two digests (or any two secrets) in time independent of where they differ. */
    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** One thread's digest and buffers for {@link #keyId}. */
    private static final class IdHasher {

        private final MessageDigest digest = sha256();
        private final byte[] hash = new byte[32];
        private byte[] text = new byte[64];

        UUID keyId(String key) {
            int length = key.length();
            boolean ascii = true;
            if (text.length < length) {
                text = new byte[length];
            }
            for (int i = 0; i < length && ascii; i++) {
                char c = key.charAt(i);
                ascii = c < 0x80;
                text[i] = (byte) c;
            }
            digest.reset();
            digest.update(KEY_ID_DOMAIN);
            if (ascii) {
                digest.update(text, 0, length);
            } else {
                digest.update(key.getBytes(StandardCharsets.UTF_8));
            }
            try {
                digest.digest(hash, 0, hash.length);
            } catch (DigestException e) {
                throw new IllegalStateException("a SHA-256 digest always fits 32 bytes", e);
            }
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x80); // version 8
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
            ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
            return new UUID(bits.getLong(), bits.getLong());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
