package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.regex.Pattern;
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

    /** {@code widget-edge: WHAT: VALUE (expected: …)}, optionally followed by {@code (from WIDGET_EDGE_X)}. */
    private static final Pattern ONE_LINE_FORMAT = Pattern.compile(
            "widget-edge: [^ ].*: .+ \\(expected: .+\\)( \\(from WIDGET_EDGE_[A-Z_]+\\))?\n");

    @ParameterizedTest(name = "widget-edge {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "dev --admin-port 70000|--admin-port: 70000 (expected: a port from 0 to 65535, 0 for any free port)",
            "dev --ops-port -1|--ops-port: -1 (expected: a port from 0 to 65535, 0 for any free port)",
            "dev --admin-port eighty|--admin-port: eighty (expected: a port from 0 to 65535, 0 for any free port)",
            "dev --drain-timeout -1s|--drain-timeout: -1s (expected: >= 0)",
            "dev --drain-timeout soon|--drain-timeout: soon (expected: a duration such as 500ms, 2s, 5m, 1h or 90d)",
            "dev --account 'bad account'|--account: 'bad account' (expected: 1-128 characters of A-Z a-z 0-9 _ - . :)",
            "dev --admin-token short|--admin-token: (hidden) (expected: 16-512 characters of A-Z a-z 0-9 - . _ ~ + /)",
            "dev --prot 8080|--prot: unknown option (expected: an option of widget-edge dev such as --port; widget-edge dev --help lists them)",
            "dev extra|extra: unexpected argument (expected: options only; widget-edge dev --help lists them)",
            "dev --port|--port: missing value (expected: a port from 0 to 65535, 0 for any free port)",
            "dev --port 1 --port 2|--port: given more than once (expected: once)",
            "admin|--redis: missing (expected: a redis://, rediss:// or redis-sentinel:// URI, or WIDGET_EDGE_REDIS)",
            "admin --redis http://localhost:6379|--redis: http://localhost:6379 (expected: a redis://, rediss:// or redis-sentinel:// URI)",
            "admin --redis redis://localhost:6379 --store-timeout 0s|--store-timeout: 0s (expected: > 0)",
            "admin --redis redis://localhost:6379 --store-timeout 2seconds|--store-timeout: 2seconds (expected: a duration such as 500ms, 2s, 5m, 1h or 90d)",
            "tokens create --redis redis://localhost:6379|--account or --all-accounts: missing (expected: one of them)",
            "tokens create --account a --all-accounts --redis redis://localhost:6379|--account, --all-accounts: given together (expected: only one of --account or --all-accounts)",
            "tokens create --account 'a b' --redis redis://localhost:1|--account: 'a b' (expected: 1-128 characters of A-Z a-z 0-9 _ - . :)",
            "tokens revoke --redis redis://localhost:1|ID: missing (expected: the token id, as shown by list)",
            "no-such-command|command: no-such-command (expected: gateway, admin, dev or tokens)",
            "|command: missing (expected: gateway, admin, dev or tokens)",
            "tokens|tokens command: missing (expected: create, list or revoke)",
            "tokens rotate|tokens command: rotate (expected: create, list or revoke)",
            "gateway --redis redis://localhost:6379 --cache-ttl 0s|--cache-ttl: 0s (expected: > 0)",
            "gateway --redis redis://localhost:6379 --cache-ttl abc|--cache-ttl: abc (expected: a duration such as 500ms, 2s, 5m, 1h or 90d)",
            "gateway --redis redis://localhost:6379 --negative-ttl -5s|--negative-ttl: -5s (expected: > 0)",
            "gateway --redis redis://localhost:6379 --stale-if-error -1m|--stale-if-error: -1m (expected: >= 0)",
            "gateway --redis redis://localhost:6379 --cache-max-keys 0|--cache-max-keys: 0 (expected: >= 1)",
            "gateway --redis redis://localhost:6379 --cache-max-keys many|--cache-max-keys: many (expected: a whole number such as 1000000)",
            "gateway --redis redis://localhost:6379 --upstream ftp://backend|--upstream: ftp://backend (expected: http://host[:port] or https://host[:port], without a path)",
            "gateway --redis redis://localhost:6379 --upstream http://backend/path|--upstream: http://backend/path (expected: http://host[:port] or https://host[:port], without a path)",
            "gateway --redis redis://localhost:6379 --max-body lots|--max-body: lots (expected: a size such as 65536, 512KiB or 10MiB)",
            "gateway --redis redis://localhost:6379 --port 65536|--port: 65536 (expected: a port from 0 to 65535, 0 for any free port)",
            "gateway|--redis: missing (expected: a redis://, rediss:// or redis-sentinel:// URI, or WIDGET_EDGE_REDIS)",
            "dev --cache-ttl 0s|--cache-ttl: 0s (expected: > 0)",
            "dev --port -2|--port: -2 (expected: a port from 0 to 65535, 0 for any free port)",
            "dev --log-format xml|--log-format: xml (expected: text or json)",
            "gateway --redis redis://localhost:6379 --trusted-proxies 10.0.0.0/8,10.0.0.1/8|--trusted-proxies: 10.0.0.0/8,10.0.0.1/8 (expected: comma-separated CIDRs such as 10.0.0.0/8,2001:db8::/32, or none; 10.0.0.1/8: bits set after the /8 prefix)",
            "dev --trusted-proxies lb.internal|--trusted-proxies: lb.internal (expected: comma-separated CIDRs such as 10.0.0.0/8,2001:db8::/32, or none; lb.internal: not an IP address or CIDR)",
            "gateway --redis redis://localhost:6379 --proxy-protocol v3|--proxy-protocol: v3 (expected: off, v1, v2 or any)",
            "gateway --redis redis://localhost:6379 --client-rate-limit -1|--client-rate-limit: -1 (expected: 0 for unlimited, or 1-1000000 requests per minute)",
            "dev --key-rate-limit 1000001|--key-rate-limit: 1000001 (expected: 0 for unlimited, or 1-1000000 requests per minute)",
            "dev --miss-rate-limit lots|--miss-rate-limit: lots (expected: a whole number such as 1000000)",
            "gateway --redis redis://localhost:6379 --rate-limit-max-subjects 0|--rate-limit-max-subjects: 0 (expected: >= 1)",
            "gateway --redis redis://localhost:6379 --log-format yaml|--log-format: yaml (expected: text or json)"
    })
    void badCommandLines_exitWith2_andOneLineInTheOneFormat(String commandLine, String expected) {
        Result result = run(commandLine == null ? new String[0] : CommandLineSplitter.split(commandLine));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("widget-edge: " + expected + "\n").matches(ONE_LINE_FORMAT)
                .doesNotContain("expected: expected");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void badValueFromTheEnvironment_namesTheOptionAndTheVariable() {
        Result result = run(Map.of("WIDGET_EDGE_REDIS", "redis://localhost:6379", "WIDGET_EDGE_STORE_TIMEOUT", "xyz"),
                "admin");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("widget-edge: --store-timeout: xyz (expected: a duration such as 500ms, 2s,"
                + " 5m, 1h or 90d) (from WIDGET_EDGE_STORE_TIMEOUT)\n");
    }

    @Test
    void outOfRangeValueFromTheEnvironment_namesTheVariable_notAFlagTheUserNeverTyped() {
        Result result = run(Map.of("WIDGET_EDGE_CACHE_TTL", "-1s"), "dev");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("widget-edge: --cache-ttl: -1s (expected: > 0) (from WIDGET_EDGE_CACHE_TTL)\n")
                .matches(ONE_LINE_FORMAT);
    }

    @Test
    void theCommandLine_winsOverTheEnvironment() {
        Result result = run(Map.of("WIDGET_EDGE_ADMIN_PORT", "80000", "WIDGET_EDGE_CACHE_TTL", "abc"),
                "dev", "--admin-port", "70000", "--cache-ttl", "5s");

        assertThat(result.err()).isEqualTo("widget-edge: --admin-port: 70000 (expected: a port from 0 to 65535, 0 for"
                + " any free port)\n");
    }

    @Test
    void anUnknownWidgetEdgeVariable_isWarnedAbout_withTheClosestOption() {
        Result result = run(Map.of("WIDGET_EDGE_CACH_TTL", "5s", "WIDGET_EDGE_UPSTREAM", "http://backend:3000",
                "OTHER_CACH_TTL", "5s"), "admin", "--port", "70000");

        assertThat(result.err().lines().toList()).containsExactly(
                "widget-edge: warning: WIDGET_EDGE_CACH_TTL is not an option and is ignored (did you mean"
                        + " WIDGET_EDGE_CACHE_TTL, that is --cache-ttl?)",
                "widget-edge: --port: 70000 (expected: a port from 0 to 65535, 0 for any free port)");
    }

    @Test
    void version_isTheProjectVersion() {
        Result result = run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(System.getProperty("widget-edge.version")).as("set by the build").isNotBlank();
        assertThat(result.out()).isEqualTo("widget-edge " + System.getProperty("widget-edge.version") + "\n");
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
