package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * One test's calls to the admin API, as one token in an account of its own (a new one per test,
 * so that tests do not see each other's keys).
 */
final class AccountSession {

    private final AdminApiFixture api;
    private final String token;
    private final String account;

    private AccountSession(AdminApiFixture api, String token, String account) {
        this.api = api;
        this.token = token;
        this.account = account;
    }

    /** A session of {@code token} (which must act for every account) in a fresh account. */
    static AccountSession inFreshAccount(AdminApiFixture api, String token) {
        return new AccountSession(api, token, "acct_" + UUID.randomUUID().toString().substring(0, 8));
    }

    String account() {
        return account;
    }

    /** A request with this session's token and {@code X-Account-ID}; {@code body} may be null. */
    AdminApiFixture.Response call(String method, String path, String body) {
        return api.call(method, path, token, account, body);
    }

    /** Creates a key; fails unless the answer is 201. */
    JsonNode create(String body) {
        AdminApiFixture.Response response = call("POST", "/api/v1/widget-keys", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    /** The account's keys; fails unless the answer is 200. */
    JsonNode list() {
        AdminApiFixture.Response response = call("GET", "/api/v1/widget-keys", null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /** The key with this id as the list shows it, or {@code null} when the list does not have it. */
    JsonNode listed(String id) {
        for (JsonNode key : list()) {
            if (key.get("id").asText().equals(id)) {
                return key;
            }
        }
        return null;
    }
}
