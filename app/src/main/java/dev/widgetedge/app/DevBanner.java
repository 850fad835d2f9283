package dev.widgetedge.app;

import java.io.PrintWriter;
import java.util.List;

/**
 * What {@code widget-edge dev} prints on stdout at start: where things are, the admin token, the
 * demo key, and ready-to-paste calls with the real values filled in. This is the only place the
 * demo key's plaintext appears; it is never logged.
 *
 * <p>The calls run top to bottom when pasted into a POSIX shell: first the demo key's bootstrap
 * (allowed, then from a foreign origin) and the browser example, then the admin API on a key the
 * calls create themselves (its id and key captured in {@code ID} and {@code KEY}), so that
 * revoking and deleting it never touches the demo key. Every call's output ends with a newline.
 */
final class DevBanner {

    /** The section of demo-key calls; a walkthrough test runs its lines. */
    static final String TRY_HEADING = "Try the demo key";
    /** The section of admin API calls; a walkthrough test runs its lines. */
    static final String ADMIN_HEADING = "The admin API";

    /** The demo key {@code dev} created at start, shown in plaintext (dev mode only). */
    record DemoKey(String id, String key, List<String> allowlist) {

        /** A page served from the first entry is what the quickstart's curl and example use. */
        String origin() {
            return allowlist.get(0);
        }
    }

    /** Where {@code python3 -m http.server} serves examples/embed, and so what the keys allow. */
    static final String EXAMPLE_ORIGIN = "http://localhost:8000";

    private DevBanner() {
    }

    /** Prints the banner. {@code demo} is {@code null} under {@code --no-demo}. */
    static void print(PrintWriter out, String host, int gatewayPort, int adminPort, int opsPort, String token,
            String account, DemoKey demo) {
        String urlHost = urlHost(host);
        String gateway = "http://" + urlHost + ":" + gatewayPort;
        String admin = "http://" + urlHost + ":" + adminPort;
        String keys = admin + "/api/v1/widget-keys";
        String bootstrap = gateway + "/v1/widget/bootstrap?key=";
        String edgeParameter = gatewayPort == 8080 && urlHost.equals("127.0.0.1") ? "" : "&edge=" + gateway;

        out.println("widget-edge dev: in-memory store, data lives as long as this process.");
        out.println();
        out.println("  gateway      " + gateway + "/v1/widget.js");
        out.println("  admin API    " + keys);
        out.println("  OpenAPI      " + admin + "/api/v1/openapi.json");
        out.println("  ops          http://" + urlHost + ":" + opsPort + "/metrics  /healthz  /readyz");
        out.println("  admin token  " + token + "   (account " + account + ")");
        if (demo != null) {
            out.println("  demo key     " + demo.key() + "   (id " + demo.id() + ", name \"demo\", allows "
                    + String.join(" ", demo.allowlist()) + ")");
            out.println();
            out.println(TRY_HEADING + ": the bootstrap call a page on " + demo.origin()
                    + " makes (200, with CORS headers), then one from another site (403):");
            out.println("  curl -si -w '\\n' \"" + bootstrap + demo.key() + "\" -H \"Origin: " + demo.origin() + "\"");
            out.println("  curl -s -w '\\n' \"" + bootstrap + demo.key() + "\" -H \"Origin: https://evil.example\"");
            out.println();
            out.println("In a browser: serve the example page, then open it with the demo key:");
            out.println("  cd examples/embed && python3 -m http.server 8000");
            out.println("  " + EXAMPLE_ORIGIN + "/?key=" + demo.key() + edgeParameter);
            out.println("or embed the widget in a page served from " + demo.origin() + ":");
            out.println("  <script src=\"" + gateway + "/v1/widget.js\" data-client-key=\"" + demo.key() + "\"></script>");
        } else {
            out.println("  demo key     none (--no-demo); the admin API calls below create a key");
        }
        out.println();
        out.println(ADMIN_HEADING + " (paste in order: list, create a key of your own, use it, revoke it, delete it):");
        out.println("  TOKEN='" + token + "'");
        out.println("  KEYS=" + keys);
        out.println("  curl -s -w '\\n' \"$KEYS\" -H \"Authorization: Bearer $TOKEN\"");
        out.println("  CREATED=$(curl -s \"$KEYS\" -X POST -H \"Authorization: Bearer $TOKEN\""
                + " -H \"Content-Type: application/json\""
                + " -d '{\"name\":\"my site\",\"domain_allowlist\":[\"" + EXAMPLE_ORIGIN + "\"]}'); echo \"$CREATED\"");
        out.println("  ID=$(echo \"$CREATED\" | sed -E 's/.*\"id\":\"([^\"]+)\".*/\\1/');"
                + " KEY=$(echo \"$CREATED\" | sed -E 's/.*\"key\":\"([^\"]+)\".*/\\1/')");
        out.println("  curl -s -w '\\n' \"" + bootstrap + "$KEY\" -H \"Origin: " + EXAMPLE_ORIGIN + "\"");
        out.println("  curl -s -w '%{http_code}\\n' \"$KEYS/$ID\" -X PATCH -H \"Authorization: Bearer $TOKEN\""
                + " -H \"Content-Type: application/json\" -d '{\"disabled\":true}'");
        out.println("  curl -s -w '\\n' \"" + bootstrap + "$KEY\" -H \"Origin: " + EXAMPLE_ORIGIN + "\"");
        out.println("  curl -s -w '%{http_code}\\n' \"$KEYS/$ID\" -X DELETE -H \"Authorization: Bearer $TOKEN\"");
        if (demo == null) {
            out.println();
            out.println("In a browser: cd examples/embed && python3 -m http.server 8000, then open "
                    + EXAMPLE_ORIGIN + "/?key=<a key allowed on " + EXAMPLE_ORIGIN + ">" + edgeParameter);
        }
        out.println();
        out.println("Stop with Ctrl-C.");
        out.flush();
    }

    /** The host to put in URLs: a wildcard listen address is reached through loopback. */
    static String urlHost(String host) {
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.equals("[::]")) {
            return "[::1]";
        }
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            return "[" + host + "]";
        }
        return host;
    }
}
