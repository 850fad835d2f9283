package dev.widgetedge.admin;

import dev.widgetedge.core.token.AccountIds;
import dev.widgetedge.core.token.AdminToken;
import java.util.List;

/** The {@code X-Account-ID} rules: which account a call acts for, given its token. */
final class AccountSelection {

    private AccountSelection() {
    }

    /**
     * The account the call acts for. Only a call without the header acts for the token's sole
     * account; a header that is sent must name an account, so an empty one is malformed.
     *
     * @param headerValues every {@code X-Account-ID} value the request carried
     * @throws ApiError 400 when the header is missing but required, repeated or malformed
     *                  (empty included); 403 when the token may not act for the named account
     */
    static String select(AdminToken token, List<String> headerValues) {
        if (headerValues.size() > 1) {
            throw ApiError.invalidAccountHeader("send it once");
        }
        if (headerValues.isEmpty()) {
            return token.scope().soleAccount().orElseThrow(ApiError::missingAccount);
        }
        String named = headerValues.get(0).trim();
        if (!AccountIds.isValid(named)) {
            throw ApiError.invalidAccountHeader(AccountIds.EXPECTED);
        }
        if (!token.scope().permits(named)) {
            throw ApiError.accountNotPermitted();
        }
        return named;
    }
}
