package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

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

        String keys = "http://127.0.0.1:8081/api/v1/widget-keys";
        String auth = "-H \"Authorization: Bearer " + TOKEN + "\"";
        assertThat(lines).contains(
                "  demo key     " + KEY + "   (id " + ID
                        + ", name \"demo\", allows http://localhost:8000 http://127.0.0.1:8000)",
                "  curl -s " + keys + " " + auth,
                "  curl -s " + keys + " -X POST " + auth + " -H \"Content-Type: application/json\""
                        + " -d '{\"name\":\"my site\",\"domain_allowlist\":[\"http://localhost:8000\"]}'",
                "  curl -s -w '%{http_code}\\n' " + keys + "/" + ID + " -X PATCH " + auth
                        + " -H \"Content-Type: application/json\" -d '{\"disabled\":true}'",
                "  curl -s -w '%{http_code}\\n' " + keys + "/" + ID + " -X DELETE " + auth,
                "  curl -i \"http://127.0.0.1:8080/v1/widget/bootstrap?key=" + KEY
                        + "\" -H \"Origin: http://localhost:8000\"",
                "  <script src=\"http://127.0.0.1:8080/v1/widget.js\" data-client-key=\"" + KEY + "\"></script>",
                "  or: cd examples/embed && python3 -m http.server 8000, then open http://localhost:8000/?key=" + KEY);
    }

    @Test
    void banner_onAnotherPortOrAWildcardHost_pointsTheExamplePageAtTheRealGateway() {
        List<String> lines = banner("0.0.0.0", 18080, DEMO);

        assertThat(lines).contains(
                "  gateway      http://127.0.0.1:18080/v1/widget.js",
                "  <script src=\"http://127.0.0.1:18080/v1/widget.js\" data-client-key=\"" + KEY + "\"></script>",
                "  or: cd examples/embed && python3 -m http.server 8000, then open http://localhost:8000/?key=" + KEY
                        + "&edge=http://127.0.0.1:18080");
    }

    @Test
    void banner_withoutADemoKey_showsPlaceholders() {
        List<String> lines = banner("127.0.0.1", 8080, null);

        assertThat(String.join("\n", lines)).doesNotContain("pk_live_").contains("/<id> -X PATCH", "/<id> -X DELETE",
                "bootstrap?key=<key>", "data-client-key=\"<key>\"");
        assertThat(lines).contains("  demo key     none (--no-demo); create one with the POST below");
    }

    @Test
    void demoKey_isStoredInTheAccount_withTheLocalAllowlist_andOnlyItsDigest() {
        InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();

        DevBanner.DemoKey demo = DevCommand.createDemoKey(store, "acct_try");

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
