package dev.widgetedge.app;

import java.io.PrintWriter;
import java.util.List;

/**
 * What {@code widget-edge dev} prints on stdout at start: where things are, the admin token, the
 * demo key, and ready-to-paste calls with the real values filled in. This is the only place the
 * demo key's plaintext appears; it is never logged.
 */
final class DevBanner {

    /** The demo key {@code dev} created at start, shown in plaintext (dev mode only). */
    record DemoKey(String id, String key, List<String> allowlist) {

        /** A page served from the first entry is what the quickstart's curl and example use. */
        String origin() {
            return allowlist.get(0);
        }
    }

    private DevBanner() {
    }

    /**
     * Prints the banner. {@code demo} is {@code null} under {@code --no-demo}; the calls then show
     * placeholders for the id and key.
     */
    static void print(PrintWriter out, String host, int gatewayPort, int adminPort, int opsPort, String token,
            String account, DemoKey demo) {
        String urlHost = urlHost(host);
        String gateway = "http://" + urlHost + ":" + gatewayPort;
        String admin = "http://" + urlHost + ":" + adminPort;
        String keys = admin + "/api/v1/widget-keys";
        String auth = "-H \"Authorization: Bearer " + token + "\"";
        String json = "-H \"Content-Type: application/json\"";
        String id = demo == null ? "<id>" : demo.id();
        String key = demo == null ? "<key>" : demo.key();
        String origin = demo == null ? "http://localhost:8000" : demo.origin();

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
        } else {
            out.println("  demo key     none (--no-demo); create one with the POST below");
        }
        out.println();
        out.println("Admin API (list, create, disable, delete):");
        out.println("  curl -s " + keys + " " + auth);
        out.println("  curl -s " + keys + " -X POST " + auth + " " + json
                + " -d '{\"name\":\"my site\",\"domain_allowlist\":[\"http://localhost:8000\"]}'");
        out.println("  curl -s -w '%{http_code}\\n' " + keys + "/" + id + " -X PATCH " + auth + " " + json
                + " -d '{\"disabled\":true}'");
        out.println("  curl -s -w '%{http_code}\\n' " + keys + "/" + id + " -X DELETE " + auth);
        out.println();
        out.println("Gateway (the bootstrap call a page on " + origin + " makes):");
        out.println("  curl -i \"" + gateway + "/v1/widget/bootstrap?key=" + key + "\" -H \"Origin: " + origin + "\"");
        out.println();
        out.println("Embed it in a page served from " + origin + ":");
        out.println("  <script src=\"" + gateway + "/v1/widget.js\" data-client-key=\"" + key + "\"></script>");
        if (demo != null) {
            out.println("  or: cd examples/embed && python3 -m http.server 8000, then open "
                    + "http://localhost:8000/?key=" + demo.key()
                    + (gatewayPort == 8080 && urlHost.equals("127.0.0.1") ? "" : "&edge=" + gateway));
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
