package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Routes#classify}: the public port's routes (docs/gateway.md), and paths an upstream could resolve elsewhere. */
class RoutesTest {

    private static GatewayRoute route(HttpMethod method, String rawPath) {
        return Routes.classify(method, rawPath);
    }

    @Test
    void theLoader_isTheScriptRoute_forEveryMethod_soThatItsHandlerCanAnswer405() {
        assertThat(route(HttpMethod.GET, "/v1/widget.js")).isEqualTo(GatewayRoute.SCRIPT);
        assertThat(route(HttpMethod.HEAD, "/v1/widget.js")).isEqualTo(GatewayRoute.SCRIPT);
        assertThat(route(HttpMethod.POST, "/v1/widget.js")).isEqualTo(GatewayRoute.SCRIPT);
        assertThat(route(HttpMethod.OPTIONS, "/v1/widget.js")).isEqualTo(GatewayRoute.SCRIPT);
    }

    @Test
    void bootstrap_isGetOrHead_onItsExactPath() {
        assertThat(route(HttpMethod.GET, "/v1/widget/bootstrap")).isEqualTo(GatewayRoute.BOOTSTRAP);
        assertThat(route(HttpMethod.HEAD, "/v1/widget/bootstrap")).isEqualTo(GatewayRoute.BOOTSTRAP);
    }

    @Test
    void otherMethodsOnTheBootstrapPath_areProxied_asAnyOtherWidgetPath() {
        assertThat(route(HttpMethod.POST, "/v1/widget/bootstrap")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.PUT, "/v1/widget/bootstrap")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.DELETE, "/v1/widget/bootstrap")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/bootstrap/more")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/bootstrapx")).isEqualTo(GatewayRoute.PROXY);
    }

    @Test
    void options_anywhereUnderTheWidgetApi_isThePreflight() {
        assertThat(route(HttpMethod.OPTIONS, "/v1/widget/bootstrap")).isEqualTo(GatewayRoute.PREFLIGHT);
        assertThat(route(HttpMethod.OPTIONS, "/v1/widget/conversations/42")).isEqualTo(GatewayRoute.PREFLIGHT);
    }

    @Test
    void everyMethod_onOtherWidgetPaths_isProxied() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
                HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.valueOf("PROPFIND")}) {
            assertThat(route(method, "/v1/widget/conversations/42/messages")).as("%s", method)
                    .isEqualTo(GatewayRoute.PROXY);
        }
    }

    @Test
    void connectAndTrace_areNotFound_evenOnWidgetPaths() {
        assertThat(route(HttpMethod.CONNECT, "/v1/widget/x")).isEqualTo(GatewayRoute.NOT_FOUND);
        assertThat(route(HttpMethod.TRACE, "/v1/widget/x")).isEqualTo(GatewayRoute.NOT_FOUND);
    }

    @Test
    void segmentsThatMerelyContainDots_areProxied() {
        assertThat(route(HttpMethod.GET, "/v1/widget/.well-known/x")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/file.json")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/a..b")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/...")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/..x/y")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/a%20b")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/a%3Fb%23c%41")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/")).isEqualTo(GatewayRoute.PROXY);
        assertThat(route(HttpMethod.GET, "/v1/widget/x/")).isEqualTo(GatewayRoute.PROXY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/v1/widget//admin",
        "/v1/widget/x//",
        "/v1/widget/a;b",
        "/v1/widget/;/x",
        "/v1/widget/%252e%252e/admin",
        "/v1/widget/%25",
        "/v1/widget/%3b/x",
        "/v1/widget/%3B/x",
        "/v1/widget/%00",
        "/v1/widget/%0a",
        "/v1/widget/%7f",
        "/v1/widget/%c0%ae%c0%ae/admin",
        "/v1/widget/%e0%80%ae",
        "/v1/widget/%ef%bc%8e%ef%bc%8e/admin",
        "/v1/widget/caf%C3%A9",
        "/v1/widget/%",
        "/v1/widget/%4",
        "/v1/widget/%zz",
        "/v1/widget/%-1",
    })
    void emptySegmentsSemicolonsAndEscapesBeyondPrintableAscii_areNotFound(String path) {
        assertThat(route(HttpMethod.GET, path)).isEqualTo(GatewayRoute.NOT_FOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/",
        "",
        "/v1",
        "/v1/widget",
        "/v1/widgets/x",
        "/v1/widget.js/",
        "/v1/widget.jsx",
        "/v1/widget.js.map",
        "/V1/widget/bootstrap",
        "/v1/Widget/bootstrap",
        "//v1/widget/bootstrap",
        "/v2/widget/bootstrap",
        "/metrics",
        "/admin/v1/widget/x",
        "*",
    })
    void pathsOutsideTheWidgetApi_areNotFound(String path) {
        assertThat(route(HttpMethod.GET, path)).isEqualTo(GatewayRoute.NOT_FOUND);
        assertThat(route(HttpMethod.OPTIONS, path)).isEqualTo(GatewayRoute.NOT_FOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/v1/widget/../admin",
        "/v1/widget/..",
        "/v1/widget/x/..",
        "/v1/widget/x/../../admin",
        "/v1/widget/./bootstrap",
        "/v1/widget/.",
        "/v1/widget/x/./y",
        "/v1/widget/%2e%2e/admin",
        "/v1/widget/%2E%2E/admin",
        "/v1/widget/.%2e/admin",
        "/v1/widget/%2e./admin",
        "/v1/widget/%2e/bootstrap",
        "/v1/widget/%2e",
        "/v1/widget/a%2fb",
        "/v1/widget/a%2Fb",
        "/v1/widget/..%2fadmin",
        "/v1/widget/a%5cb",
        "/v1/widget/a%5Cb",
        "/v1/widget/a\\b",
        "/v1/widget/..\\admin",
        "/v1/widget\\..\\admin",
    })
    void dotSegmentsEncodedSlashesAndBackslashes_areNotFound_forEveryMethod(String path) {
        assertThat(route(HttpMethod.GET, path)).isEqualTo(GatewayRoute.NOT_FOUND);
        assertThat(route(HttpMethod.POST, path)).isEqualTo(GatewayRoute.NOT_FOUND);
        assertThat(route(HttpMethod.OPTIONS, path)).isEqualTo(GatewayRoute.NOT_FOUND);
    }

    @Test
    void aDotDotSegmentWithAPathParameter_isNotFound_sinceServletUpstreamsResolveItAsDotDot() {
        // Tomcat and other servlet containers strip ";params" from each segment before they remove
        // dot-segments, so "/v1/widget/..;/admin" reaches them as "/v1/admin": outside the API
        // the allowlist check covers, exactly what Routes#isPlainPath exists to prevent.
        assertThat(route(HttpMethod.GET, "/v1/widget/..;/admin"))
                .as("regression: '..;' is a dot-segment to servlet upstreams (path-parameter bypass)")
                .isEqualTo(GatewayRoute.NOT_FOUND);
        assertThat(route(HttpMethod.GET, "/v1/widget/.;x/bootstrap"))
                .as("regression: '.;x' is a dot-segment to servlet upstreams (path-parameter bypass)")
                .isEqualTo(GatewayRoute.NOT_FOUND);
    }

    @Test
    void onlyTheWidgetApi_getsVaryOrigin() {
        assertThat(GatewayRoute.BOOTSTRAP.isWidgetApi()).isTrue();
        assertThat(GatewayRoute.PREFLIGHT.isWidgetApi()).isTrue();
        assertThat(GatewayRoute.PROXY.isWidgetApi()).isTrue();
        assertThat(GatewayRoute.SCRIPT.isWidgetApi()).isFalse();
        assertThat(GatewayRoute.NOT_FOUND.isWidgetApi()).isFalse();
    }
}
