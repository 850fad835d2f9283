package dev.widgetedge.core.token;

/**
 * What an account id may look like: 1–128 characters of ASCII letters, digits, {@code _ - . :}.
 * Account ids come from the operator ({@code tokens create --account}) and from the
 * {@code X-Account-ID} header; both are checked with this one rule.
 */
public final class AccountIds {

    public static final int MAX_LENGTH = 128;
    public static final String EXPECTED = "1-128 characters of A-Z a-z 0-9 _ - . :";

    private AccountIds() {
    }

    /** Whether {@code value} is a well-formed account id. */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.' || c == ':';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
