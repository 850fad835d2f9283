package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.testing.RedisServerExtension;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Authentication and account scoping (docs/admin-api.md), on the real server and a real Redis. */
class AdminAuthIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String KEY_PATH = "/api/v1/widget-keys/0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e";

    static AdminApiFixture api;
    static String singleAccount;
    static String twoAccounts;
    static String everyAccount;

    @BeforeAll
    static void start() {
        api = AdminApiFixture.start(REDIS.server());
        singleAccount = api.issueToken(AccountScope.of(Set.of("acct_a")));
        twoAccounts = api.issueToken(AccountScope.of(Set.of("acct_a", "acct_b")));
        everyAccount = api.issueToken(AccountScope.all());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET,/api/v1/widget-keys", "POST,/api/v1/widget-keys", "PATCH," + KEY_PATH, "DELETE," + KEY_PATH})
    void everyEndpoint_withoutAuthorization_is401(String method, String path) {
        AdminApiFixture.Response response = api.call(method, path, null, "acct_a", "{\"name\":\"x\"}");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("Missing or invalid bearer token");
        assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer  two-spaces", "Bearer a b",
            "Token abc", "bearer", "Bearer tok\u00e9n"})
    void malformedAuthorization_is401(String header) {
        HttpRequest request = HttpRequest.newBuilder(api.adminUri("/api/v1/widget-keys"))
                .header("Authorization", header).header("X-Account-ID", "acct_a").GET().build();

        AdminApiFixture.Response response = api.send(request);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("Missing or invalid bearer token");
    }

    @Test
    void bearerScheme_isCaseInsensitive() {
        HttpRequest request = HttpRequest.newBuilder(api.adminUri("/api/v1/widget-keys"))
                .header("Authorization", "bEaReR " + singleAccount).GET().build();

        assertThat(api.send(request).status()).isEqualTo(200);
    }

    @Test
    void twoAuthorizationHeaders_are401() {
        HttpRequest request = HttpRequest.newBuilder(api.adminUri("/api/v1/widget-keys"))
                .header("Authorization", "Bearer " + singleAccount)
                .header("Authorization", "Bearer " + singleAccount).GET().build();

        assertThat(api.send(request).status()).isEqualTo(401);
    }

    @Test
    void unknownToken_is401() {
        AdminApiFixture.Response response = api.call("GET", "/api/v1/widget-keys",
                "wet_" + "A".repeat(43), "acct_a", null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("Missing or invalid bearer token");
    }

    @Test
    void revokedToken_is401AtOnce() {
        AdminApiFixture.Issued issued = api.issue(AccountScope.of(Set.of("acct_a")));
        assertThat(api.call("GET", "/api/v1/widget-keys", issued.token(), null, null).status()).isEqualTo(200);

        boolean revoked = api.tokens.revoke(issued.metadata().id()).toCompletableFuture().join();
        AdminApiFixture.Response after = api.call("GET", "/api/v1/widget-keys", issued.token(), null, null);

        assertThat(revoked).isTrue();
        assertThat(after.status()).isEqualTo(401);
    }

    @Test
    void singleAccountToken_mayOmitAccountHeader_andActsForItsAccount() {
        AdminApiFixture.Response created = api.call("POST", "/api/v1/widget-keys", singleAccount, null,
                "{\"name\":\"implicit account\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("account_id").asText()).isEqualTo("acct_a");
    }

    @Test
    void singleAccountToken_namingItsAccount_isAccepted() {
        assertThat(api.call("GET", "/api/v1/widget-keys", singleAccount, "acct_a", null).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST"})
    void multiAccountToken_withoutAccountHeader_is400(String method) {
        AdminApiFixture.Response response = api.call(method, "/api/v1/widget-keys", twoAccounts, null,
                "{\"name\":\"x\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("Missing X-Account-ID header");
    }

    @Test
    void allAccountsToken_withoutAccountHeader_is400() {
        AdminApiFixture.Response response = api.call("GET", "/api/v1/widget-keys", everyAccount, null, null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("Missing X-Account-ID header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void emptyAccountHeader_isInvalid_evenForASingleAccountToken(String value) {
        // A header that is sent names an account; to use the token's only account, leave it out.
        for (String token : new String[] {singleAccount, twoAccounts}) {
            AdminApiFixture.Response response = api.call("GET", "/api/v1/widget-keys", token, value, null);

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).isEqualTo("Invalid X-Account-ID header: 1-128 characters of A-Z a-z 0-9 _ - . :");
        }
    }

    @Test
    void allAccountsToken_mayActForAnyAccount() {
        AdminApiFixture.Response response = api.call("POST", "/api/v1/widget-keys", everyAccount, "acct_zzz",
                "{\"name\":\"any account\"}");

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.json().get("account_id").asText()).isEqualTo("acct_zzz");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET,/api/v1/widget-keys", "POST,/api/v1/widget-keys", "PATCH," + KEY_PATH, "DELETE," + KEY_PATH})
    void accountTheTokenMayNotActFor_is403(String method, String path) {
        AdminApiFixture.Response response = api.call(method, path, twoAccounts, "acct_c", "{\"name\":\"x\"}");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("Token not permitted for this account");
    }

    @Test
    void singleAccountToken_namingAnotherAccount_is403() {
        AdminApiFixture.Response response = api.call("GET", "/api/v1/widget-keys", singleAccount, "acct_b", null);

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("Token not permitted for this account");
    }

    @Test
    void malformedAccountHeader_is400NamingTheHeader() {
        AdminApiFixture.Response response = api.call("GET", "/api/v1/widget-keys", everyAccount, "acct a/../b", null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).startsWith("Invalid X-Account-ID header: ");
    }

    @Test
    void repeatedAccountHeader_is400() {
        HttpRequest request = HttpRequest.newBuilder(api.adminUri("/api/v1/widget-keys"))
                .header("Authorization", "Bearer " + twoAccounts)
                .header("X-Account-ID", "acct_a").header("X-Account-ID", "acct_b")
                .timeout(Duration.ofSeconds(10)).GET().build();

        AdminApiFixture.Response response = api.send(request);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).startsWith("Invalid X-Account-ID header");
    }

    @Test
    void authIsCheckedBeforeTheBody() {
        AdminApiFixture.Response response = api.call("POST", "/api/v1/widget-keys", null, "acct_a", "not json");

        assertThat(response.status()).isEqualTo(401);
    }
}
