package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.client.ProxyProtocol;
import dev.widgetedge.gateway.client.TrustedProxies;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The command line takes its defaults from the settings' named constants (one source of truth),
 * and shows them as an operator types them.
 */
class OptionDefaultsTest {

    private static <T> T parsed(Class<T> type, String... args) {
        CommandLine root = CliModel.commandLine(Map.of());
        CommandLine.ParseResult result = root.parseArgs(args);
        return type.cast(result.subcommand().commandSpec().userObject());
    }

    @Test
    void gatewayWithoutFlags_runsOnTheSettingsDefaults() {
        GatewayCommand gateway = parsed(GatewayCommand.class, "gateway", "--redis", "redis://localhost:6379");

        assertThat(gateway.store.storeTimeout).isEqualTo(RedisConnector.DEFAULT_STORE_TIMEOUT);
        assertThat(gateway.gateway.settings(gateway.store.storeTimeout)).isEqualTo(GatewaySettings.defaults());
        assertThat(gateway.drain.value()).isEqualTo(DrainOption.DEFAULT_DRAIN_TIMEOUT);
        assertThat(gateway.port).isEqualTo(GatewayCommand.DEFAULT_PORT);
    }

    @Test
    void devWithoutFlags_runsOnTheSettingsDefaults() {
        DevCommand dev = parsed(DevCommand.class, "dev");

        assertThat(dev.gateway.settings(GatewaySettings.DEFAULT_STORE_TIMEOUT)).isEqualTo(
                GatewaySettings.defaults().toBuilder().trustedProxies(TrustedProxies.loopback()).build());
        assertThat(dev.host).isEqualTo(DevCommand.DEFAULT_HOST);
        assertThat(dev.account).isEqualTo(DevCommand.DEFAULT_ACCOUNT);
    }

    @Test
    void dev_trustsThisMachinesProxies_untilToldNone() {
        DevCommand dev = parsed(DevCommand.class, "dev");
        assertThat(dev.gateway.settings(GatewaySettings.DEFAULT_STORE_TIMEOUT).clientAddress().trustedProxies())
                .hasToString("127.0.0.0/8,::1/128");
        DevCommand none = parsed(DevCommand.class, "dev", "--trusted-proxies", "none");
        assertThat(none.gateway.settings(GatewaySettings.DEFAULT_STORE_TIMEOUT).clientAddress().trustedProxies())
                .isEqualTo(TrustedProxies.none());
        GatewayCommand gateway = parsed(GatewayCommand.class, "gateway", "--redis", "redis://localhost:6379");
        assertThat(gateway.gateway.settings(gateway.store.storeTimeout).clientAddress().trustedProxies().isEmpty())
                .isTrue();
    }

    @Test
    void clientAddressAndRateLimitOptions_reachTheSettings() {
        GatewayCommand gateway = parsed(GatewayCommand.class, "gateway", "--redis", "redis://localhost:6379",
                "--trusted-proxies", "10.0.0.0/8, 2001:db8::/32", "--proxy-protocol", "V2", "--client-rate-limit", "30",
                "--key-rate-limit", "1000", "--miss-rate-limit", "0", "--rate-limit-max-subjects", "5000");
        GatewaySettings settings = gateway.gateway.settings(gateway.store.storeTimeout);
        assertThat(settings.clientAddress().trustedProxies()).hasToString("10.0.0.0/8,2001:db8::/32");
        assertThat(settings.clientAddress().proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(settings.rateLimits().clientPerMinute()).isEqualTo(30);
        assertThat(settings.rateLimits().keyPerMinute()).isEqualTo(1000);
        assertThat(settings.rateLimits().missPerMinute()).isZero();
        assertThat(settings.rateLimits().maxSubjects()).isEqualTo(5000);
    }

    @Test
    void help_showsEachDefaultAsAnOperatorTypesIt() {
        StringWriter out = new StringWriter();
        int exitCode = Main.run(new String[] {"gateway", "--help"}, Map.of(), new ShutdownSignal(),
                new PrintWriter(out), new PrintWriter(new StringWriter()));

        assertThat(exitCode).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("revalidated (default: 30s)", "larger gets 413 (default: 10MiB)",
                "is closed (default: 1m)", "(default: 1000000)", "(default: 0.0.0.0)", "(default: text)");
    }

    @Test
    void aVariable_changesTheDefaultThatHelpShows() {
        StringWriter out = new StringWriter();
        Main.run(new String[] {"gateway", "--help"}, Map.of("WIDGET_EDGE_CACHE_TTL", "5s"), new ShutdownSignal(),
                new PrintWriter(out), new PrintWriter(new StringWriter()));

        assertThat(out.toString().replaceAll("\\s+", " ")).contains("revalidated (default: 5s)");
    }

    @ParameterizedTest
    @CsvSource({"250ms", "2s", "5m", "90s", "1m", "1h", "90m"})
    void durations_readBackAsWritten_inTheirShortestForm(String text) {
        DurationConverter converter = new DurationConverter();

        Duration value = converter.convert(text);

        assertThat(converter.format(value)).isEqualTo(text);
        assertThat(converter.convert(converter.format(value))).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource({"65536, 64KiB", "10485760, 10MiB", "1000, 1000", "1073741824, 1GiB", "1536, 1536"})
    void sizes_areWrittenInTheLargestExactBinaryUnit(long bytes, String text) {
        SizeConverter converter = new SizeConverter();

        assertThat(converter.format(bytes)).isEqualTo(text);
        assertThat(converter.convert(converter.format(bytes))).isEqualTo(bytes);
    }
}
