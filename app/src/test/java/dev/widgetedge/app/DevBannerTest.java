package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.audit.Actor;
import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.widget.WidgetKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code widget-edge dev} prints, and the demo key it creates. */
class DevBannerTest {

    private static final String TOKEN = "dev-token-0123456789abcdef";
    private static final String KEY = WidgetKeyFormat.mint();
    private static final String ID = "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e";
    private static final DevBanner.DemoKey DEMO = new DevBanner.DemoKey(ID, KEY, DevCommand.DEMO_ALLOWLIST);

    private static List<String> banner(String host, int gatewayPort, DevBanner.DemoKey demo) {
        StringWriter out = new StringWriter();
        DevBanner.print(new PrintWriter(out), host, gatewayPort, 8081, 9090, TOKEN, "acct_dev", demo);
        return out.toString().lines().toList();
    }

    @Test
    void banner_keepsTheLinesScriptsMatchOn() {
        List<String> lines = banner("127.0.0.1", 8080, DEMO);

        assertThat(lines).contains(
                "  gateway      http://127.0.0.1:8080/v1/widget.js",
                "  admin API    http://127.0.0.1:8081/api/v1/widget-keys",
                "  OpenAPI      http://127.0.0.1:8081/api/v1/openapi.json",
                "  ops          http://127.0.0.1:9090/metrics  /healthz  /readyz",
                "  admin token  " + TOKEN + "   (account acct_dev)",
                "Stop with Ctrl-C.");
    }

    @Test
    void banner_showsTheDemoKey_andFillsItAndTheTokenIntoEveryCall() {
        List<String> lines = banner("127.0.0.1", 8080, DEMO);

        String bootstrap = "http://127.0.0.1:8080/v1/widget/bootstrap?key=";
        assertThat(lines).contains(
                "  demo key     " + KEY + "   (id " + ID
                        + ", name \"demo\", allows http://localhost:8000 http://127.0.0.1:8000)",
                "  curl -si -w '\\n' \"" + bootstrap + KEY + "\" -H \"Origin: http://localhost:8000\"",
                "  curl -s -w '\\n' \"" + bootstrap + KEY + "\" -H \"Origin: https://evil.example\"",
                "  cd examples/embed && python3 -m http.server 8000",
                "  http://localhost:8000/?key=" + KEY,
                "  <script src=\"http://127.0.0.1:8080/v1/widget.js\" data-client-key=\"" + KEY + "\"></script>",
                "  TOKEN='" + TOKEN + "'",
                "  KEYS=http://127.0.0.1:8081/api/v1/widget-keys",
                "  curl -s -w '\\n' \"$KEYS\" -H \"Authorization: Bearer $TOKEN\"",
                "  curl -s -w '%{http_code}\\n' \"$KEYS/$ID\" -X PATCH -H \"Authorization: Bearer $TOKEN\""
                        + " -H \"Content-Type: application/json\" -d '{\"disabled\":true}'",
                "  curl -s -w '%{http_code}\\n' \"$KEYS/$ID\" -X DELETE -H \"Authorization: Bearer $TOKEN\"");
    }

    @Test
    void banner_showsTheDemoKeysCallsFirst_andTheAdminCallsNeverNameIt() {
        List<String> lines = banner("127.0.0.1", 8080, DEMO);

        int tryHeading = indexOfLineStartingWith(lines, DevBanner.TRY_HEADING);
        int browser = indexOfLineStartingWith(lines, "In a browser");
        int adminHeading = indexOfLineStartingWith(lines, DevBanner.ADMIN_HEADING);
        assertThat(tryHeading).isPositive().isLessThan(browser);
        assertThat(browser).isLessThan(adminHeading);
        List<String> adminCalls = lines.subList(adminHeading, lines.size());
        assertThat(adminCalls).noneMatch(line -> line.contains(KEY) || line.contains(ID));
        assertThat(adminCalls).filteredOn(line -> line.contains("curl "))
                .allMatch(line -> line.contains(" -w '\\n' ") || line.contains(" -w '%{http_code}\\n' ")
                        || line.endsWith("echo \"$CREATED\""));
    }

    private static int indexOfLineStartingWith(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void banner_onAnotherPortOrAWildcardHost_pointsTheExamplePageAtTheRealGateway() {
        List<String> lines = banner("0.0.0.0", 18080, DEMO);

        assertThat(lines).contains(
                "  gateway      http://127.0.0.1:18080/v1/widget.js",
                "  <script src=\"http://127.0.0.1:18080/v1/widget.js\" data-client-key=\"" + KEY + "\"></script>",
                "  http://localhost:8000/?key=" + KEY + "&edge=http://127.0.0.1:18080");
    }

    @Test
    void banner_withoutADemoKey_showsOnlyTheAdminCalls() {
        List<String> lines = banner("127.0.0.1", 8080, null);

        assertThat(String.join("\n", lines)).doesNotContain("pk_live_", DevBanner.TRY_HEADING);
        assertThat(lines).contains("  demo key     none (--no-demo); the admin API calls below create a key");
        assertThat(lines).anyMatch(line -> line.startsWith(DevBanner.ADMIN_HEADING));
    }

    @Test
    void demoKey_isStoredInTheAccount_withTheLocalAllowlist_andOnlyItsDigest() {
        InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();

        DevBanner.DemoKey demo = DevCommand.createDemoKey(store, "acct_try", new Actor("tok_dev", "dev"));

        assertThat(WidgetKeyFormat.isWellFormed(demo.key())).isTrue();
        assertThat(demo.id()).isEqualTo(KeyDigest.keyId(demo.key()).toString());
        assertThat(demo.allowlist()).containsExactly("http://localhost:8000", "http://127.0.0.1:8000");
        List<WidgetKey> listed = store.listByAccount("acct_try").toCompletableFuture().join();
        assertThat(listed).singleElement().satisfies(key -> {
            assertThat(key.id().toString()).isEqualTo(demo.id());
            assertThat(key.name()).isEqualTo("demo");
            assertThat(key.agentId()).isNull();
            assertThat(key.domainAllowlist()).containsExactly("http://localhost:8000", "http://127.0.0.1:8000");
            assertThat(key.keyLast8()).isEqualTo(demo.key().substring(36));
        });
    }
}
