package dev.widgetedge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decisions, CORS (docs/gateway.md) and origins (docs/origins.md) through real HTTP: two gateways and the admin
 * API on one real redis-server, and a real upstream.
 */
class GatewayDecisionsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static EchoUpstream upstream;
    static GatewayFixture fixture;
    static GatewayFixture.Key key;

    @BeforeAll
    static void start() {
        upstream = EchoUpstream.start();
        GatewaySettings settings = GatewaySettings.builder().upstream(URI.create(upstream.uri())).build();
        fixture = GatewayFixture.start(REDIS.server(), settings, 2);
        key = fixture.createKey("https://acme.com", "https://*.acme.com", "http://localhost:8000");
    }

    @AfterAll
    static void stop() {
        fixture.close();
        upstream.close();
    }

    private static void assertDenied(GatewayFixture.Response response, int status, String error) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.json().get("error").asText()).isEqualTo(error);
        assertThat(response.json().get("message").asText()).isNotBlank();
        assertThat(response.header("Access-Control-Allow-Origin")).isNull();
        assertThat(response.header("Vary")).contains("Origin");
    }

    @Test
    void allowedBootstrap_is200WithTheKeysIdentity_andEchoesTheExactOrigin() {
        GatewayFixture.Response response = fixture.bootstrap(0, key.plaintext(), "https://acme.com");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("key_id").asText()).isEqualTo(key.id());
        assertThat(response.json().get("account_id").asText()).isEqualTo(GatewayFixture.ACCOUNT);
        assertThat(response.json().get("agent_id").asText()).isEqualTo("agent_7");
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("https://acme.com");
        assertThat(response.header("Access-Control-Allow-Credentials")).isNull();
        assertThat(response.header("Vary")).isEqualTo("Origin");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void theAllowOriginHeader_isTheRequestsOriginAsSent_notTheAllowlistEntry() {
        GatewayFixture.Response response = fixture.bootstrap(0, key.plaintext(), "https://shop.ACME.com");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("https://shop.ACME.com");
    }

    @Test
    void missingKey_is401() {
        assertDenied(fixture.bootstrap(0, null, "https://acme.com"), 401, "missing_key");
    }

    @Test
    void invalidKey_is401_withoutAnyStoreRead() {
        double readsBefore = fixture.counter(0, "widget.gateway.store.requests");
        String corrupted = key.plaintext().substring(0, 20) + (key.plaintext().charAt(20) == 'a' ? 'b' : 'a')
                + key.plaintext().substring(21);

        assertDenied(fixture.bootstrap(0, corrupted, "https://acme.com"), 401, "invalid_key");
        assertDenied(fixture.bootstrap(0, "pk_live_tooShort", "https://acme.com"), 401, "invalid_key");
        assertThat(fixture.counter(0, "widget.gateway.store.requests")).isEqualTo(readsBefore);
    }

    @Test
    void unknownKey_is401() {
        assertDenied(fixture.bootstrap(0, WidgetKeyFormat.mint(), "https://acme.com"), 401, "unknown_key");
    }

    @Test
    void disabledKey_is403() {
        GatewayFixture.Key disabled = fixture.createKey("https://acme.com");
        fixture.admin("PATCH", "/api/v1/widget-keys/" + disabled.id(), "{\"disabled\":true}");

        assertDenied(fixture.bootstrap(0, disabled.plaintext(), "https://acme.com"), 403, "key_disabled");
    }

    @Test
    void missingOrEmptyOrigin_is403OriginMissing() {
        assertDenied(fixture.bootstrap(0, key.plaintext(), null), 403, "origin_missing");
        assertDenied(fixture.bootstrap(0, key.plaintext(), ""), 403, "origin_missing");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "https://acme.com|200",
            "HTTPS://ACME.COM|200",
            "https://acme.com:443|200",
            "https://acme.com.|200",
            "https://a.acme.com|200",
            "https://a.b.acme.com|200",
            "http://localhost:8000|200",
            "http://acme.com|403",
            "http://a.acme.com|403",
            "https://evilacme.com|403",
            "https://acme.com.evil.com|403",
            "https://a.acme.com:8443|403",
            "http://localhost:8001|403",
            "http://localhost|403",
            "null|403",
            "https://acme.com/|403",
            "https://acme.com/path|403",
            "https://user@acme.com|403",
            "https://acme.com?x=1|403",
            "https://acme.com#frag|403",
            "https://acme.com, https://evil.com|403",
            "https://evil.com, https://acme.com|403",
            "https://*.acme.com|403",
            "acme.com|403",
            "//acme.com|403",
            "ftp://acme.com|403",
            "https://acme.com:99999|403",
            "https://xn--acme-.com|403",
    })
    void origins_areMatchedExactlyAsSpecified(String origin, int status) {
        GatewayFixture.Response response = fixture.bootstrap(0, key.plaintext(), origin);

        assertThat(response.status()).isEqualTo(status);
        if (status == 403) {
            assertDenied(response, 403, "origin_not_allowed");
        } else {
            assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo(origin);
        }
    }

    @Test
    void anEmptyAllowlist_allowsNoOrigin() {
        GatewayFixture.Key locked = fixture.createKey();

        assertDenied(fixture.bootstrap(0, locked.plaintext(), "https://acme.com"), 403, "origin_not_allowed");
    }

    @Test
    void anIdnOrigin_matchesItsPunycodeEntry() {
        GatewayFixture.Key idn = fixture.createKey("https://bücher.example");

        assertThat(fixture.bootstrap(0, idn.plaintext(), "https://xn--bcher-kva.example").status()).isEqualTo(200);
    }

    @Test
    void aRepeatedKeyParameter_isInvalid() {
        GatewayFixture.Response response = fixture.send(fixture.gatewayRequest(0,
                "/v1/widget/bootstrap?key=" + key.plaintext() + "&key=" + key.plaintext(), "https://acme.com")
                .GET().build());

        assertDenied(response, 401, "invalid_key");
    }

    @Test
    void aRevocation_isSeenByBothGateways() {
        GatewayFixture.Key revoked = fixture.createKey("https://acme.com");
        assertThat(fixture.bootstrap(0, revoked.plaintext(), "https://acme.com").status()).isEqualTo(200);
        assertThat(fixture.bootstrap(1, revoked.plaintext(), "https://acme.com").status()).isEqualTo(200);

        assertThat(fixture.admin("PATCH", "/api/v1/widget-keys/" + revoked.id(), "{\"disabled\":true}").status())
                .isEqualTo(204);

        for (int gateway = 0; gateway < 2; gateway++) {
            int index = gateway;
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    fixture.bootstrap(index, revoked.plaintext(), "https://acme.com").status() == 403);
        }
    }

    @Test
    void creatingAKey_clearsTheGatewaysNegativeEntry() {
        String plaintext = WidgetKeyFormat.mint();
        assertDenied(fixture.bootstrap(0, plaintext, "https://acme.com"), 401, "unknown_key");

        GatewayFixture.Key created = fixture.createKey("https://acme.com");

        assertThat(fixture.bootstrap(0, created.plaintext(), "https://acme.com").status()).isEqualTo(200);
    }

    @Test
    void aKeysFirstUse_isInTheStoreWithinTwoSeconds() {
        GatewayFixture.Key fresh = fixture.createKey("https://acme.com");
        Instant before = Instant.now().minusSeconds(1);

        assertThat(fixture.bootstrap(0, fresh.plaintext(), "https://acme.com").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(2)).until(() -> !fixture.listed(fresh.id()).get("last_used_at").isNull());
        assertThat(Instant.parse(fixture.listed(fresh.id()).get("last_used_at").asText())).isAfter(before);
    }

    @Test
    void aUsedKey_isSoftDeleted() {
        GatewayFixture.Key used = fixture.createKey("https://acme.com");
        fixture.bootstrap(0, used.plaintext(), "https://acme.com");
        await().atMost(Duration.ofSeconds(2)).until(() -> !fixture.listed(used.id()).get("last_used_at").isNull());

        fixture.admin("DELETE", "/api/v1/widget-keys/" + used.id(), null);

        assertThat(fixture.listed(used.id()).get("disabled_at").isNull()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                fixture.bootstrap(0, used.plaintext(), "https://acme.com").status() == 403);
    }

    @Test
    void preflightWithoutAKey_isAnsweredForAnyParsableOrigin_andNeverForwarded() {
        int forwardedBefore = upstream.received().size();

        GatewayFixture.Response response = fixture.send(fixture.gatewayRequest(0, "/v1/widget/messages", "https://anything.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("https://anything.example");
        assertThat(response.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST, PUT, PATCH, DELETE");
        assertThat(response.header("Access-Control-Allow-Headers")).isEqualTo("Content-Type, X-Widget-Key");
        assertThat(response.header("Access-Control-Max-Age")).isEqualTo("600");
        assertThat(response.header("Vary")).isEqualTo("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        assertThat(response.header("Access-Control-Allow-Credentials")).isNull();
        assertThat(upstream.received()).hasSize(forwardedBefore);
    }

    @Test
    void preflightWithAKey_isChecked_andADenialHasNoCorsHeaders() {
        GatewayFixture.Response allowed = fixture.send(fixture.gatewayRequest(0,
                        "/v1/widget/messages?key=" + key.plaintext(), "https://acme.com")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        GatewayFixture.Response denied = fixture.send(fixture.gatewayRequest(0,
                        "/v1/widget/messages?key=" + key.plaintext(), "https://evil.com")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(allowed.status()).isEqualTo(204);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://acme.com");
        assertDenied(denied, 403, "origin_not_allowed");
        assertThat(denied.header("Access-Control-Allow-Methods")).isNull();
    }

    @Test
    void preflightFromAnUnparsableOrigin_is403() {
        GatewayFixture.Response response = fixture.send(fixture.gatewayRequest(0, "/v1/widget/messages", "null")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertDenied(response, 403, "origin_not_allowed");
    }

    @Test
    void proxiedRequest_carriesTheIdentity_notTheClientsSpoofedHeaders_andMergesVary() {
        GatewayFixture.Response response = fixture.send(fixture.gatewayRequest(0, "/v1/widget/messages?x=1", "https://acme.com")
                .header("X-Widget-Key", key.plaintext())
                .header("X-Widget-Account-Id", "acct_forged")
                .header("x-widget-key-id", "forged")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":\"world\"}")).build());

        assertThat(response.status()).isEqualTo(200);
        EchoUpstream.Received received = upstream.received().get(upstream.received().size() - 1);
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/v1/widget/messages");
        assertThat(received.query()).isEqualTo("x=1");
        assertThat(received.bodyBytes()).isEqualTo(17);
        assertThat(received.header("X-Widget-Key-Id")).isEqualTo(key.id());
        assertThat(received.header("X-Widget-Account-Id")).isEqualTo(GatewayFixture.ACCOUNT);
        assertThat(received.header("X-Widget-Agent-Id")).isEqualTo("agent_7");
        assertThat(received.header("X-Widget-Key")).isNull();
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.header("X-Forwarded-Host")).startsWith("127.0.0.1:");
        assertThat(response.header("Vary")).isEqualTo("Accept-Encoding, Origin");
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("https://acme.com");
        assertThat(response.header("Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void aDeniedProxiedRequest_neverReachesTheUpstream() {
        int before = upstream.received().size();

        GatewayFixture.Response response = fixture.send(fixture.gatewayRequest(0, "/v1/widget/messages", "https://evil.com")
                .header("X-Widget-Key", key.plaintext())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertDenied(response, 403, "origin_not_allowed");
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void pathsOutsideTheWidgetApi_are404_andDotSegmentsNeverReachTheUpstream() {
        int before = upstream.received().size();

        for (String path : new String[] {"/", "/v1/widget", "/v1/other", "/v1/widget/../admin",
                "/v1/widget/%2e%2e/admin", "/v1/widget/a%2fb"}) {
            GatewayFixture.Response response = fixture.send(fixture.gatewayRequest(0,
                    path + "?key=" + key.plaintext(), "https://acme.com").GET().build());
            assertThat(response.status()).as(path).isEqualTo(404);
        }
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void theLoader_isServedWithAnEtag_andA304WhenUnchanged() {
        GatewayFixture.Response first = fixture.send(fixture.gatewayRequest(0, "/v1/widget.js", null).GET().build());
        GatewayFixture.Response again = fixture.send(fixture.gatewayRequest(0, "/v1/widget.js", null)
                .header("If-None-Match", first.header("ETag")).GET().build());

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(first.header("Cache-Control")).isEqualTo("public, max-age=300");
        assertThat(first.body()).contains("data-client-key", "widget-edge:ready", "widget-edge:error");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(first.header("ETag"));
    }

    @Test
    void metrics_areLabelledByOutcome_includeTheCacheStatistics_andNeverNameAKey() {
        fixture.bootstrap(1, key.plaintext(), "https://acme.com");
        fixture.bootstrap(1, key.plaintext(), "https://acme.com");
        fixture.bootstrap(1, key.plaintext(), "https://evil.com");
        fixture.send(fixture.gatewayRequest(1, "/v1/widget/messages?key=" + key.plaintext(), "https://acme.com")
                .GET().build());

        String scrape = fixture.registry(1).scrape();

        assertThat(scrape)
                .contains("widget_gateway_requests_total{outcome=\"allowed\"}")
                .contains("widget_gateway_requests_total{outcome=\"origin_not_allowed\"}")
                .contains("widget_gateway_request_duration_seconds_bucket")
                .contains("widget_gateway_store_requests_total{result=\"found\"}")
                .contains("widget_gateway_invalidations_total")
                .contains("widget_gateway_invalidation_lag_seconds")
                .contains("widget_gateway_upstream_requests_total{status_class=\"2xx\"}")
                .contains("cache_gets_total{cache=\"widget_gateway_keys\",result=\"hit\"}")
                .contains("cache_gets_total{cache=\"widget_gateway_keys\",result=\"miss\"}")
                .contains("cache_evictions_total{cache=\"widget_gateway_keys\"}")
                .contains("cache_size{cache=\"widget_gateway_keys\"}")
                .contains("jvm_memory_used_bytes")
                .contains("netty_allocator_memory_used");
        assertThat(scrape).doesNotContain(key.plaintext()).doesNotContain(key.id())
                .doesNotContain(key.plaintext().substring(key.plaintext().length() - 8));
    }
}
