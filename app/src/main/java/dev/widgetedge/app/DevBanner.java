package dev.widgetedge.app;

import java.io.PrintWriter;

/** What {@code widget-edge dev} prints on start: where things are and how to call them. */
final class DevBanner {

    private DevBanner() {
    }

    static void print(PrintWriter out, String host, int gatewayPort, int adminPort, int opsPort, String token,
            String account) {
        String urlHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        String gateway = "http://" + urlHost + ":" + gatewayPort;
        String admin = "http://" + urlHost + ":" + adminPort;
        String auth = "-H \"Authorization: Bearer " + token + "\"";
        out.println("widget-edge dev: in-memory store, data lives as long as this process.");
        out.println();
        out.println("  gateway      " + gateway + "/v1/widget.js");
        out.println("  admin API    " + admin + "/api/v1/widget-keys");
        out.println("  OpenAPI      " + admin + "/api/v1/openapi.json");
        out.println("  ops          http://" + urlHost + ":" + opsPort + "/metrics  /healthz  /readyz");
        out.println("  admin token  " + token + "   (account " + account + ")");
        out.println();
        out.println("Try it:");
        out.println("  curl -s " + admin + "/api/v1/widget-keys " + auth);
        out.println("  curl -s " + admin + "/api/v1/widget-keys -X POST " + auth
                + " -H \"Content-Type: application/json\""
                + " -d '{\"name\":\"my site\",\"domain_allowlist\":[\"http://localhost:8000\"]}'");
        out.println("  curl -s " + admin + "/api/v1/widget-keys/<id> -X PATCH " + auth
                + " -d '{\"disabled\":true}'");
        out.println("  curl -s " + admin + "/api/v1/widget-keys/<id> -X DELETE " + auth);
        out.println();
        out.println("Stop with Ctrl-C.");
        out.flush();
    }
}
