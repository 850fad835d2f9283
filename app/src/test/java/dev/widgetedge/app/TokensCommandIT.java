package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.store.RedisAdminTokenStore;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.testing.RedisServerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code widget-edge tokens create|list|revoke} against a real redis-server: one-shot commands. */
class TokensCommandIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.run(args, environment, new ShutdownSignal(), new PrintWriter(out), new PrintWriter(err));
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static Result run(String... args) {
        return run(Map.of("WIDGET_EDGE_REDIS", REDIS.server().uri()), args);
    }

    private static Optional<AdminToken> stored(String token) throws InterruptedException {
        try (RedisConnector redis = RedisConnector.start(REDIS.server().uri(), Duration.ofSeconds(2))) {
            assertThat(redis.awaitConnected(Duration.ofSeconds(10))).isTrue();
            return new RedisAdminTokenStore(redis).findByDigest(KeyDigest.sha256Hex(token)).toCompletableFuture().join();
        }
    }

    @Test
    void create_printsOnlyTheToken_onOneLineOfStdout() throws InterruptedException {
        Result result = run("tokens", "create", "--account", "acct_a", "--account", "acct_b", "--name", "ci");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines().toList()).hasSize(1);
        String token = result.out().strip();
        assertThat(token).startsWith("wet_").hasSize(47);
        AdminToken stored = stored(token).orElseThrow();
        assertThat(stored.scope().accounts()).containsExactly("acct_a", "acct_b");
        assertThat(stored.name()).isEqualTo("ci");
        assertThat(result.err()).contains(stored.id()).doesNotContain(token);
    }

    @Test
    void create_withAllAccounts_makesAnAllAccountsToken() throws InterruptedException {
        Result result = run("tokens", "create", "--all-accounts");

        assertThat(result.exitCode()).isZero();
        assertThat(stored(result.out().strip()).orElseThrow().scope().allAccounts()).isTrue();
    }

    @Test
    void list_showsIdNameAccountsCreatedAndLast8_neverTheToken() {
        String token = run("tokens", "create", "--account", "acct_list", "--name", "listed").out().strip();

        Result result = run("tokens", "list");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("ID", "NAME", "ACCOUNTS", "CREATED", "LAST8");
        String row = result.out().lines().filter(line -> line.contains("listed")).findFirst().orElseThrow();
        assertThat(row).startsWith("tok_").contains("acct_list").contains(token.substring(token.length() - 8));
        assertThat(result.out()).doesNotContain(token);
    }

    @Test
    void revoke_takesEffectAtOnce() throws InterruptedException {
        String token = run("tokens", "create", "--account", "acct_r").out().strip();
        String id = stored(token).orElseThrow().id();

        Result result = run("tokens", "revoke", id);

        assertThat(result.exitCode()).isZero();
        assertThat(stored(token)).isEmpty();
    }

    @Test
    void revoke_ofAnUnknownId_exits1() {
        Result result = run("tokens", "revoke", "tok_doesnotexist");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("no token with id tok_doesnotexist");
    }

    @Test
    void unreachableRedis_exits1WithOneClearLine() {
        Result result = run(Map.of(), "tokens", "list", "--redis", "redis://127.0.0.1:1", "--store-timeout", "300ms");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("widget-edge: cannot reach Redis at 127.0.0.1:1 (Connection refused)\n");
    }

    @Test
    void unreachableRedis_isOneLineOnStderr_neverARetryInTheBackground() throws Exception {
        try (PackagedJar jar = new PackagedJar()) {
            PackagedJar.Running list = jar.start("tokens", "list", "--redis", "redis://127.0.0.1:1");

            assertThat(list.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(list.process().exitValue()).isEqualTo(1);
            assertThat(list.output()).containsExactly("widget-edge: cannot reach Redis at 127.0.0.1:1 (Connection refused)");
        }
    }
}
