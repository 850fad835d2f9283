package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin API's routes: canonical paths, the {@code /v1} alias, and everything that is neither. */
class AdminRouteTest {

    private static final String ID = "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e";

    @Test
    void canonicalCollectionPath_isTheKeysRoute() {
        assertThat(AdminRoute.match("/api/v1/widget-keys")).isEqualTo(new AdminRoute.Match(AdminRoute.KEYS, null));
    }

    @Test
    void aliasCollectionPath_isTheKeysRoute() {
        assertThat(AdminRoute.match("/v1/widget-keys")).isEqualTo(new AdminRoute.Match(AdminRoute.KEYS, null));
    }

    @Test
    void canonicalKeyPath_isTheOneKeyRoute_withTheRawSegment() {
        assertThat(AdminRoute.match("/api/v1/widget-keys/" + ID))
                .isEqualTo(new AdminRoute.Match(AdminRoute.ONE_KEY, ID));
    }

    @Test
    void aliasKeyPath_isTheOneKeyRoute_withTheRawSegment() {
        assertThat(AdminRoute.match("/v1/widget-keys/" + ID)).isEqualTo(new AdminRoute.Match(AdminRoute.ONE_KEY, ID));
    }

    @Test
    void keyPath_passesAnySingleSegmentOnUndecoded_forKeyIdsToJudge() {
        assertThat(AdminRoute.match("/api/v1/widget-keys/not-a-uuid").id()).isEqualTo("not-a-uuid");
        assertThat(AdminRoute.match("/api/v1/widget-keys/%2e%2e").id()).isEqualTo("%2e%2e");
    }

    @Test
    void openApiPath_isTheOpenApiRoute() {
        assertThat(AdminRoute.match("/api/v1/openapi.json")).isEqualTo(new AdminRoute.Match(AdminRoute.OPENAPI, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/v1/widget-keys/",
            "/v1/widget-keys/",
            "/api/v1/widget-keys/" + ID + "/",
            "/api/v1/widget-keys/" + ID + "/extra",
            "/v1/widget-keys/" + ID + "/extra",
            "/api/v1/widget-keys//" + ID,
            "/api/v1/widget-keysX",
            "/api/v1/widget-keys-old",
            "/api/v1/widget-keys.json",
            "/v1/widget-keysX",
            "/v1/widget-keys" + ID,
            "/api/v1/widget-key",
            "/api/v1/widget",
            "/api/v1",
            "/api/v2/widget-keys",
            "/API/V1/WIDGET-KEYS",
            "/api/v1/Widget-Keys",
            "api/v1/widget-keys",
            "//api/v1/widget-keys",
            "/x/api/v1/widget-keys",
            "/api/v1/openapi.json/",
            "/api/v1/openapi.jsonx",
            "/api/v1/openapi",
            "/api/v1/openapi.yaml",
            "/openapi.json",
            "/v1/openapi.json",
            "/",
            ""})
    void otherPath_isUnmatched(String path) {
        assertThat(AdminRoute.match(path)).isEqualTo(new AdminRoute.Match(AdminRoute.UNMATCHED, null));
    }

    @Test
    void routes_allowTheirMethodsOnly() {
        assertThat(AdminRoute.KEYS.allows(HttpMethod.GET)).isTrue();
        assertThat(AdminRoute.KEYS.allows(HttpMethod.POST)).isTrue();
        assertThat(AdminRoute.KEYS.allows(HttpMethod.DELETE)).isFalse();
        assertThat(AdminRoute.KEYS.allows(HttpMethod.PATCH)).isFalse();
        assertThat(AdminRoute.KEYS.allows(HttpMethod.PUT)).isFalse();
        assertThat(AdminRoute.ONE_KEY.allows(HttpMethod.PATCH)).isTrue();
        assertThat(AdminRoute.ONE_KEY.allows(HttpMethod.DELETE)).isTrue();
        assertThat(AdminRoute.ONE_KEY.allows(HttpMethod.GET)).isFalse();
        assertThat(AdminRoute.ONE_KEY.allows(HttpMethod.PUT)).isFalse();
        assertThat(AdminRoute.ONE_KEY.allows(HttpMethod.POST)).isFalse();
        assertThat(AdminRoute.OPENAPI.allows(HttpMethod.GET)).isTrue();
        assertThat(AdminRoute.OPENAPI.allows(HttpMethod.POST)).isFalse();
        assertThat(AdminRoute.UNMATCHED.allows(HttpMethod.GET)).isFalse();
    }

    @Test
    void methodNames_areCaseSensitive() {
        assertThat(AdminRoute.KEYS.allows(HttpMethod.valueOf("get"))).isFalse();
    }

    @Test
    void allowHeader_listsTheRoutesMethodsSorted() {
        assertThat(AdminRoute.KEYS.allowHeader()).isEqualTo("GET, POST");
        assertThat(AdminRoute.ONE_KEY.allowHeader()).isEqualTo("DELETE, PATCH");
        assertThat(AdminRoute.OPENAPI.allowHeader()).isEqualTo("GET");
    }

    @Test
    void metricLabels_areTheCanonicalTemplates_soTheAliasIsCountedWithTheCanonicalPath() {
        assertThat(AdminRoute.match("/v1/widget-keys").route().template()).isEqualTo("/api/v1/widget-keys");
        assertThat(AdminRoute.match("/v1/widget-keys/" + ID).route().template()).isEqualTo("/api/v1/widget-keys/{id}");
        assertThat(AdminRoute.match("/anything/else").route().template()).isEqualTo("unmatched");
    }
}
