package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line's contract for bad input: exit code 2 and one line naming the option. */
class MainTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.run(args, environment, new ShutdownSignal(), new PrintWriter(out), new PrintWriter(err));
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static Result run(String... args) {
        return run(Map.of(), args);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "dev --admin-port 70000|--admin-port: 70000 (expected: a port from 0 to 65535",
            "dev --ops-port -1|--ops-port: -1 (expected: a port from 0 to 65535",
            "dev --admin-port eighty|--admin-port",
            "dev --drain-timeout -1s|--drain-timeout: -1s (expected: >= 0)",
            "dev --drain-timeout soon|'soon' is not a duration such as 500ms, 2s, 5m or 1h",
            "dev --account 'bad account'|--account",
            "dev --admin-token short|--admin-token: (hidden) (expected: 16-512 characters",
            "dev --no-such-option|--no-such-option",
            "admin|--redis: missing (expected: a redis://, rediss:// or redis-sentinel:// URI, or WIDGET_EDGE_REDIS)",
            "admin --redis http://localhost:6379|--redis: http://localhost:6379 (expected: expected a redis://",
            "admin --redis redis://localhost:6379 --store-timeout 0s|--store-timeout: 0s (expected: > 0)",
            "admin --redis redis://localhost:6379 --store-timeout 2 seconds|--store-timeout",
            "tokens create --redis redis://localhost:6379|--account",
            "tokens create --account a --all-accounts --redis redis://localhost:6379|mutually exclusive",
            "tokens create --account 'a b' --redis redis://localhost:1|--account: 'a b'",
            "no-such-command|no-such-command",
            "gateway --redis redis://localhost:6379 --cache-ttl 0s|--cache-ttl: 0s (expected: > 0)",
            "gateway --redis redis://localhost:6379 --negative-ttl -5s|--negative-ttl: -5s (expected: > 0)",
            "gateway --redis redis://localhost:6379 --stale-if-error -1m|--stale-if-error: -1m (expected: >= 0)",
            "gateway --redis redis://localhost:6379 --cache-max-keys 0|--cache-max-keys: 0 (expected: >= 1)",
            "gateway --redis redis://localhost:6379 --upstream ftp://backend|--upstream: ftp://backend (expected: http://host[:port]",
            "gateway --redis redis://localhost:6379 --upstream http://backend/path|--upstream: http://backend/path",
            "gateway --redis redis://localhost:6379 --max-body lots|'lots' is not a size such as 65536, 512KiB or 10MiB",
            "gateway --redis redis://localhost:6379 --port 65536|--port: 65536",
            "gateway|--redis: missing",
            "dev --cache-ttl 0s|--cache-ttl: 0s (expected: > 0)",
            "dev --port -2|--port: -2",
            "dev --log-format xml|--log-format",
            "gateway --redis redis://localhost:6379 --log-format yaml|--log-format",
    })
    void badOptionValues_exitWith2_andOneLineNamingTheOption(String commandLine, String expected) {
        Result result = run(CommandLineSplitter.split(commandLine));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines().toList()).hasSize(1);
        assertThat(result.err()).startsWith("widget-edge: ").contains(expected);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void badValueFromTheEnvironment_namesTheOptionAndTheVariable() {
        Result result = run(Map.of("WIDGET_EDGE_REDIS", "redis://localhost:6379", "WIDGET_EDGE_STORE_TIMEOUT", "xyz"),
                "admin");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip())
                .contains("--store-timeout")
                .contains("'xyz' is not a duration")
                .endsWith("(from WIDGET_EDGE_STORE_TIMEOUT)");
    }

    @Test
    void theCommandLine_winsOverTheEnvironment() {
        Result result = run(Map.of("WIDGET_EDGE_ADMIN_PORT", "80000"), "dev", "--admin-port", "70000");

        assertThat(result.err()).contains("--admin-port: 70000");
    }

    @Test
    void environmentVariableNames_areUpperSnakeCaseWithThePrefix() {
        assertThat(EnvironmentDefaults.variableFor("--cache-ttl")).isEqualTo("WIDGET_EDGE_CACHE_TTL");
        assertThat(EnvironmentDefaults.variableFor("--redis")).isEqualTo("WIDGET_EDGE_REDIS");
    }

    @Test
    void help_listsTheCommands_andExits0() {
        Result result = run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("dev", "admin", "tokens");
    }

    @Test
    void aPasswordInTheRedisUri_isNeverEchoed() {
        Result result = run("admin", "--redis", "http://user:s3cret@localhost:6379");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).doesNotContain("s3cret").contains("http://***@localhost:6379");
    }
}
