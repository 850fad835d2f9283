package dev.widgetedge.admin;

import dev.widgetedge.core.key.AdminTokenFormat;
import java.util.List;

/** Extracting the token from {@code Authorization: Bearer <token>} (RFC 6750). */
final class BearerToken {

    private static final String SCHEME = "Bearer ";

    private BearerToken() {
    }

    /**
     * The token in the request's {@code Authorization} headers, or {@code null} when there is
     * none, several, another scheme, or a value that is not a token. The scheme is matched
     * case-insensitively, as RFC 9110 requires.
     */
    static String from(List<String> authorizationHeaders) {
        if (authorizationHeaders.size() != 1) {
            return null;
        }
        String header = authorizationHeaders.get(0);
        if (header.length() <= SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = header.substring(SCHEME.length());
        return AdminTokenFormat.isWellFormed(token) ? token : null;
    }
}
