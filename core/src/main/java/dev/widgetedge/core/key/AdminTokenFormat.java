package dev.widgetedge.core.key;

import java.security.SecureRandom;

/**
 * Admin API bearer tokens: {@code wet_} followed by 43 base62 characters from a CSPRNG
 * (about 256 bits). Like widget keys, only their SHA-256 digest is stored.
 */
public final class AdminTokenFormat {

    public static final String PREFIX = "wet_";
    private static final int RANDOM_CHARS = 43;
    private static final int ID_RANDOM_CHARS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminTokenFormat() {
    }

    /** A new random bearer token. */
    public static String mintToken() {
        return PREFIX + Base62.random(RANDOM, RANDOM_CHARS);
    }

    /** A new random token id ({@code tok_} + 16 base62 characters), safe to show and log. */
    public static String mintId() {
        return "tok_" + Base62.random(RANDOM, ID_RANDOM_CHARS);
    }

    /** The longest bearer token accepted. */
    public static final int MAX_LENGTH = 512;

    /**
     * Whether {@code value} can be a bearer token: 1–512 characters of RFC 6750 {@code b64token}
     * ({@code A-Z a-z 0-9 - . _ ~ + /}, then optional {@code =} padding). Operator-chosen tokens
     * ({@code dev --admin-token}) are checked with this too.
     */
    public static boolean isWellFormed(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        int end = value.length();
        while (end > 1 && value.charAt(end - 1) == '=') {
            end--;
        }
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** The last 8 characters of a token, the only part listings show. */
    public static String last8(String token) {
        return token.substring(token.length() - 8);
    }
}
