package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin API's HTTP behaviour on the real server (docs/admin-api.md, docs/operations.md): routing, body and header
 * limits, malformed requests, keep-alive, the OpenAPI document and the ops port.
 */
class AdminHttpIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String ACCOUNT = "acct_http";
    private static final String KEY_PATH = "/api/v1/widget-keys/0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e";
    private static final int LIMIT = 64 * 1024;

    static AdminApiFixture api;
    static String token;

    @BeforeAll
    static void start() {
        api = AdminApiFixture.start(REDIS.server());
        token = api.issueToken(AccountScope.of(Set.of(ACCOUNT)));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static String spaces(int count) {
        return " ".repeat(count);
    }

    /** A JSON create body of exactly {@code size} bytes: a name, then spaces. */
    private static String createBodyOf(int size, String name) {
        String json = "{\"name\":\"" + name + "\"}";
        return json + spaces(size - json.length());
    }

    private static String head(String method, String path, String... headers) {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    private RawConnection connect() {
        return new RawConnection(api.admin.port());
    }

    // --- routing ---

    @Test
    void unknownPath_is404NotFound() {
        AdminApiFixture.Response response = api.call("GET", "/api/v1/keys", token, null, null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("Not found");
        assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/widget-keys/", "/api/v1/widget-keysX", KEY_PATH + "/extra", "/"})
    void pathsThatAreNotRoutes_are404(String path) {
        assertThat(api.call("GET", path, token, null, null).status()).isEqualTo(404);
    }

    @Test
    void putOnAKey_is405WithAllow() {
        AdminApiFixture.Response response = api.call("PUT", KEY_PATH, token, null, "{\"name\":\"n\"}");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.body()).isEqualTo("Method not allowed");
        assertThat(response.header("Allow")).isEqualTo("DELETE, PATCH");
    }

    @Test
    void deleteOnTheCollection_is405WithAllow() {
        AdminApiFixture.Response response = api.call("DELETE", "/api/v1/widget-keys", token, null, null);

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).isEqualTo("GET, POST");
    }

    @Test
    void deleteOnTheAliasCollection_is405WithAllow() {
        AdminApiFixture.Response response = api.call("DELETE", "/v1/widget-keys", token, null, null);

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).isEqualTo("GET, POST");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"HEAD,/api/v1/widget-keys", "OPTIONS,/api/v1/widget-keys", "PATCH,/api/v1/widget-keys",
            "GET," + KEY_PATH, "POST,/api/v1/openapi.json", "TRACE,/v1/widget-keys"})
    void otherMethods_are405_asTheDocumentDescribesThem(String method, String path) {
        // The fixture checks the answer against the document's MethodNotAllowed, Allow included.
        assertThat(api.call(method, path, token, null, null).status()).isEqualTo(405);
    }

    // --- body limit ---

    /**
     * Whether a client still sending an oversized body sees the 413 is a race when the server
     * closes at once; the request is repeated so that a server that leaves the race open fails
     * this test nearly always, while one that drains before closing always passes it.
     */
    @Test
    void oversizedBody_fromAnHttpClient_getsThe413_notAConnectionReset() {
        String body = createBodyOf(1024 * 1024, "one MiB");
        int attempts = 25;
        List<String> resets = new ArrayList<>();
        for (int attempt = 0; attempt < attempts; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(api.adminUri("/api/v1/widget-keys"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                AdminApiFixture.Response response = api.send(request);
                assertThat(response.status()).isEqualTo(413);
                assertThat(response.body()).contains("65536");
            } catch (UncheckedIOException e) {
                resets.add(String.valueOf(e.getCause()));
            }
        }

        assertThat(resets)
                .as("RFC 9112 §9.6: a server closing while the client still sends must not close at once, or the "
                        + "reset can destroy its response. BodyLimit answers 413 from the Content-Length and closes "
                        + "immediately, so java.net.http.HttpClient lost the 413 in %d of %d attempts",
                        resets.size(), attempts)
                .isEmpty();
    }

    @Test
    void bodyOneByteOverTheLimit_withContentLength_is413NamingTheLimit_andTheConnectionCloses() {
        try (RawConnection connection = connect()) {
            connection.send(head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                    "Content-Type: application/json", "Content-Length: " + (LIMIT + 1)));
            // The server may answer from the Content-Length alone; read its answer before sending
            // the body, so a reset of the rest cannot race the read.
            RawResponse response = connection.read();
            connection.sendIgnoringReset(createBodyOf(LIMIT + 1, "too big"));

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(response.body()).contains("65536");
            OpenApiContract.assertResponseAndHeadersMatch("POST", "/api/v1/widget-keys", response.status(),
                    response.headerLists(), response.body());
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void bodyOneByteOverTheLimit_chunked_is413NamingTheLimit_andTheConnectionCloses() {
        byte[] body = createBodyOf(LIMIT + 1, "too big").getBytes(StandardCharsets.US_ASCII);
        try (RawConnection connection = connect()) {
            connection.send(head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                    "Content-Type: application/json", "Transfer-Encoding: chunked"));
            // Every data chunk, the last one crossing the limit; the terminating chunk only after
            // the answer, so the server has nothing unread when it closes.
            connection.send(chunks(body, 16 * 1024));
            RawResponse response = connection.read();
            connection.sendIgnoringReset("0\r\n\r\n");

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(response.body()).contains("65536");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET,/api/v1/widget-keys", "DELETE," + KEY_PATH, "PATCH," + KEY_PATH, "GET,/api/v1/openapi.json"})
    void bodyOverTheLimit_is413_onEveryOperation_asTheDocumentDescribesIt(String method, String path) {
        // The limit applies before routing, so a GET or DELETE with a body gets it too; the
        // fixture checks the answer, headers included, against the document.
        AdminApiFixture.Response response = api.call(method, path, token, null, createBodyOf(LIMIT + 1, "too big"));

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("Request body too large: the limit is 65536 bytes");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void oversizedBody_isCountedInMetricsAs413() {
        try (RawConnection connection = connect()) {
            connection.send(head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                    "Content-Length: " + (LIMIT + 1)));
            assertThat(connection.read().status()).isEqualTo(413);
        }

        assertThat(api.ops("/metrics").body())
                .contains("widget_admin_requests_total{method=\"POST\",route=\"/api/v1/widget-keys\",status=\"413\"}");
    }

    @Test
    void oversizedBody_withExpect100Continue_is413NamingTheLimit() {
        try (RawConnection connection = connect()) {
            connection.send(head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                    "Content-Type: application/json", "Content-Length: " + (LIMIT + 1), "Expect: 100-continue"));

            RawResponse response = connection.read();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("content-type"))
                    .as("the docs and the OpenAPI document: a 413 is text/plain naming the limit, also when the "
                            + "client sent Expect: 100-continue (curl does for large bodies); HttpObjectAggregator "
                            + "answers that case itself with an empty 413, bypassing BodyLimit.handleOversizedMessage")
                    .isEqualTo("text/plain; charset=utf-8");
            assertThat(response.body()).contains("65536");
        }
    }

    @Test
    void everyKindOf413_isNoStore_andNosniff() {
        List<String> requests = List.of(
                head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token, "Content-Length: " + (LIMIT + 1)),
                head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token, "Content-Length: " + (LIMIT + 1),
                        "Expect: 100-continue"),
                head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token, "Transfer-Encoding: chunked")
                        + new String(chunks(new byte[LIMIT + 1], 16 * 1024), StandardCharsets.ISO_8859_1));
        for (String request : requests) {
            try (RawConnection connection = connect()) {
                connection.send(request);
                RawResponse response = connection.read();

                assertThat(response.status()).as(request).isEqualTo(413);
                assertThat(response.header("cache-control")).as(request).isEqualTo("no-store");
                assertThat(response.header("x-content-type-options")).as(request).isEqualTo("nosniff");
            }
        }
    }

    @Test
    void anOversizedBodyPipelinedBehindAnotherRequest_isAnsweredAfterIt_inRequestOrder() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "/api/v1/widget-keys", "Authorization: Bearer " + token)
                    + head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                            "Content-Length: " + (LIMIT + 1)));

            RawResponse first = connection.read();
            RawResponse second = connection.read();

            assertThat(first.status())
                    .as("regression: BodyLimit writes the 413 as soon as the oversized head is decoded, past "
                            + "ResponseOrder, so it overtakes the earlier GET, which waits for the store")
                    .isEqualTo(200);
            assertThat(second.status()).isEqualTo(413);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void anOversizedBodyPipelinedBehindAnotherRequest_leavesNothingInFlight() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "/api/v1/widget-keys", "Authorization: Bearer " + token)
                    + head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                            "Content-Length: " + (LIMIT + 1)));
            connection.readAllUntilClosed();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(inFlight())
                .as("regression: the lingering close after the 413 removes the in-flight tracker with the GET "
                        + "still counted, and nothing ever uncounts it: a drain then waits its whole timeout")
                .isZero());
    }

    private static double inFlight() {
        return api.registry.get(AdminMetrics.IN_FLIGHT).gauge().value();
    }

    @Test
    void bodyOfExactlyTheLimit_withContentLength_is201() {
        AdminApiFixture.Response response = api.call("POST", "/api/v1/widget-keys", token, null,
                createBodyOf(LIMIT, "exactly 64 KiB"));

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.json().get("name").asText()).isEqualTo("exactly 64 KiB");
    }

    @Test
    void bodyOfExactlyTheLimit_chunked_is201() {
        byte[] body = createBodyOf(LIMIT, "exactly 64 KiB chunked").getBytes(StandardCharsets.US_ASCII);
        try (RawConnection connection = connect()) {
            connection.send(head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                    "Content-Type: application/json", "Transfer-Encoding: chunked"));
            connection.send(chunked(body, 10_000));

            RawResponse response = connection.read();

            assertThat(response.status()).as(response.body()).isEqualTo(201);
            assertThat(response.body()).contains("\"name\":\"exactly 64 KiB chunked\"");
        }
    }

    @Test
    void smallBody_withExpect100Continue_isContinuedAndCreated() {
        String body = "{\"name\":\"expect continue\"}";
        try (RawConnection connection = connect()) {
            connection.send(head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                    "Content-Type: application/json", "Content-Length: " + body.length(), "Expect: 100-continue"));
            RawResponse interim = connection.read();
            connection.send(body);
            RawResponse response = connection.read();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(response.status()).isEqualTo(201);
        }
    }

    // --- malformed requests ---

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /api/v1/openapi.json HTTP/9.x",
            "GET /api/v1/openapi.json HTTP/1.1 trailing",
            "GET /api/v1/open api.json HTTP/1.1",
            "G(T /api/v1/openapi.json HTTP/1.1",
            "GET"})
    void malformedRequestLine_is400_andTheServerCloses(String requestLine) {
        try (RawConnection connection = connect()) {
            connection.send(requestLine + "\r\nHost: 127.0.0.1\r\n\r\n");

            RawResponse response = connection.read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void malformedHeaderLine_is400_andTheServerCloses() {
        try (RawConnection connection = connect()) {
            connection.send("GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n");

            RawResponse response = connection.read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void requestLineLongerThan8KiB_is414_andTheServerCloses() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "/api/v1/widget-keys?pad=" + "a".repeat(9 * 1024)));

            RawResponse response = connection.read();

            assertThat(response.status()).isEqualTo(414);
            assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void requestLineJustUnder8KiB_isServed() {
        String path = "/api/v1/openapi.json?pad=";
        String padding = "a".repeat(8 * 1024 - "GET ".length() - path.length() - " HTTP/1.1".length() - 16);
        try (RawConnection connection = connect()) {
            connection.send(head("GET", path + padding));

            assertThat(connection.read().status()).isEqualTo(200);
        }
    }

    @Test
    void headersLargerThan16KiB_are431_andTheServerCloses() {
        String[] headers = new String[20];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = "X-Padding-" + i + ": " + "b".repeat(1000);
        }
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "/api/v1/openapi.json", headers));

            RawResponse response = connection.read();

            assertThat(response.status()).isEqualTo(431);
            assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void oneHeaderLargerThan16KiB_is431() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "/api/v1/openapi.json", "X-Big: " + "c".repeat(17 * 1024)));

            assertThat(connection.read().status()).isEqualTo(431);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    // --- keep-alive ---

    @Test
    void keepAlive_twoRequestsOnOneConnection_areBothAnswered() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "/api/v1/widget-keys", "Authorization: Bearer " + token));
            RawResponse first = connection.read();
            connection.send(head("GET", "/api/v1/openapi.json"));
            RawResponse second = connection.read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).startsWith("[");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).contains("\"openapi\"");
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void keepAlive_survivesAnErrorResponse() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "/nothing-here"));
            RawResponse notFound = connection.read();
            connection.send(head("PATCH", KEY_PATH, "Authorization: Bearer " + token, "Content-Length: 2") + "{}");
            RawResponse missingKey = connection.read();
            connection.send(head("GET", "/api/v1/widget-keys"));
            RawResponse unauthorized = connection.read();

            assertThat(notFound.status()).isEqualTo(404);
            assertThat(missingKey.status()).isEqualTo(404);
            assertThat(missingKey.body()).isEqualTo("Widget key not found");
            assertThat(unauthorized.status()).isEqualTo(401);
        }
    }

    @Test
    void keepAlive_survivesA201AndA204() {
        try (RawConnection connection = connect()) {
            String body = "{\"name\":\"keep-alive\"}";
            connection.send(head("POST", "/api/v1/widget-keys", "Authorization: Bearer " + token,
                    "Content-Type: application/json", "Content-Length: " + body.length()) + body);
            RawResponse created = connection.read();
            String location = created.header("location");
            connection.send(head("PATCH", location, "Authorization: Bearer " + token, "Content-Length: 17")
                    + "{\"disabled\":true}");
            RawResponse patched = connection.read();
            connection.send(head("DELETE", location, "Authorization: Bearer " + token));
            RawResponse deleted = connection.read();

            assertThat(created.status()).isEqualTo(201);
            assertThat(patched.status()).isEqualTo(204);
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void absoluteFormRequestTarget_isServedLikeTheOriginForm() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "http://127.0.0.1:" + api.admin.port() + "/api/v1/openapi.json"));

            RawResponse response = connection.read();

            assertThat(response.status())
                    .as("RFC 9112 §3.2.2: a server MUST accept the absolute-form request target; the admin API "
                            + "matches routes on the whole target, so it answers %s for a path it serves",
                            response.status())
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Host: evil.test/../x\r\n",
        "Host: user@evil.test\r\n",
        "Host: evil.test:\r\n",
        "Host: [::1\r\n",
        "Host: a, b\r\n",
        "Host: 127.0.0.1\r\nHost: 127.0.0.1\r\n",
        "",
    })
    void aMissingDuplicateOrInvalidHost_is400_andTheCreateIsNotApplied(String hostLines) {
        String name = "host test " + UUID.randomUUID();
        String body = "{\"name\":\"" + name + "\"}";
        try (RawConnection connection = connect()) {
            connection.send("POST /api/v1/widget-keys HTTP/1.1\r\n" + hostLines + "Authorization: Bearer " + token
                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);

            RawResponse response = connection.read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).matches("(Invalid|Missing) Host header.*");
            assertThat(connection.closedByServer()).isTrue();
        }
        assertThat(api.call("GET", "/api/v1/widget-keys", token, null, null).body()).doesNotContain(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/openapi.json#x", "127.0.0.1:80", "http://user@127.0.0.1/api/v1/openapi.json"})
    void aTargetWithAFragmentOrOfNoAcceptedForm_is400(String target) {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", target));

            RawResponse response = connection.read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).startsWith("Invalid request target: ");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void anAbsoluteTargetWithTheQueryBeforeAnySlash_hasThePathSlash() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "http://127.0.0.1?/api/v1/openapi.json"));

            assertThat(connection.read().status()).isEqualTo(404);
        }
    }

    @Test
    void theOpsPort_refusesAnInvalidHostToo() {
        try (RawConnection connection = new RawConnection(api.ops.port())) {
            connection.send("GET /healthz HTTP/1.1\r\nHost: evil.test/../x\r\n\r\n");

            assertThat(connection.read().status()).isEqualTo(400);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionClose_isHonoured() {
        try (RawConnection connection = connect()) {
            connection.send(head("GET", "/api/v1/openapi.json", "Connection: close"));

            assertThat(connection.read().status()).isEqualTo(200);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void http10WithoutKeepAlive_isAnsweredAndClosed() {
        try (RawConnection connection = connect()) {
            connection.send("GET /api/v1/openapi.json HTTP/1.0\r\n\r\n");

            assertThat(connection.read().status()).isEqualTo(200);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInRequestOrder() {
        RedisClient client = RedisClient.create(REDIS.server().uri());
        try (StatefulRedisConnection<String, String> redis = client.connect(); RawConnection connection = connect()) {
            // Redis holds every other client's commands for a moment, so the first request (which
            // needs the store) is certain to be still in flight when the second could be answered.
            assertThat(redis.sync().clientPause(300)).isEqualTo("OK");
            connection.send(head("GET", "/api/v1/widget-keys?first", "Authorization: Bearer " + token)
                    + head("GET", "/api/v1/openapi.json?second"));

            RawResponse first = connection.read();
            RawResponse second = connection.read();

            assertThat(first.body().startsWith("[") ? "the list" : "the openapi document")
                    .as("RFC 9112 §9.3.2: responses to pipelined requests go out in request order. The first "
                            + "request (a list, answered after a Redis round trip) must be answered first, but "
                            + "the synchronous openapi answer overtook it")
                    .isEqualTo("the list");
            assertThat(second.body()).contains("\"openapi\"");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aDeepPipelineInOneWrite_isAnsweredWhole_andInOrder() {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            requests.append(switch (i % 3) {
                case 0 -> head("GET", "/api/v1/widget-keys?n=" + i, "Authorization: Bearer " + token);
                case 1 -> head("GET", "/api/v1/openapi.json?n=" + i);
                default -> head("GET", "/nowhere/" + i);
            });
        }
        try (RawConnection connection = connect()) {
            connection.send(requests.toString());

            for (int i = 0; i < 300; i++) {
                RawResponse response = connection.read();
                String expected = switch (i % 3) {
                    case 0 -> "[";
                    case 1 -> "{";
                    default -> "Not found";
                };
                assertThat(response.body()).as("answer %d", i).startsWith(expected);
            }
            assertThat(connection.isOpen()).isTrue();
        }
    }

    // --- openapi ---

    @Test
    void openApiDocument_isServedWithoutAuth_asTheClasspathDocument() throws IOException {
        byte[] expected;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(OpenApiContract.RESOURCE)) {
            assertThat(in).as(OpenApiContract.RESOURCE).isNotNull();
            expected = in.readAllBytes();
        }

        AdminApiFixture.Response response = api.call("GET", "/api/v1/openapi.json", null, null, null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.body()).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(response.json().get("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void openApiDocument_ignoresAnInvalidToken() {
        AdminApiFixture.Response response =
                api.call("GET", "/api/v1/openapi.json", "wet_" + "X".repeat(43), null, null);

        assertThat(response.status()).isEqualTo(200);
    }

    // --- ops port ---

    @Test
    void healthz_is200() {
        assertThat(api.ops("/healthz").status()).isEqualTo(200);
    }

    @Test
    void pipelinedOpsRequests_areAnsweredInRequestOrder_evenWhenReadyzWaitsForTheStore() {
        RedisClient client = RedisClient.create(REDIS.server().uri());
        try (StatefulRedisConnection<String, String> redis = client.connect();
                RawConnection connection = new RawConnection(api.ops.port())) {
            assertThat(redis.sync().clientPause(300)).isEqualTo("OK");
            connection.send(head("GET", "/readyz") + head("GET", "/healthz"));

            assertThat(connection.read().body()).as("the readiness answer, which waits for a Redis ping, comes first")
                    .isEqualTo("ready");
            assertThat(connection.read().body()).isEqualTo("ok");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void readyz_is200_whileTheStoreIsReachable() {
        assertThat(api.ops("/readyz").status()).isEqualTo(200);
    }

    @Test
    void metrics_countAnsweredRequests_byRouteMethodAndStatus() {
        assertThat(api.call("GET", "/api/v1/widget-keys", token, null, null).status()).isEqualTo(200);

        AdminApiFixture.Response metrics = api.ops("/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("widget_admin_requests_total{method=\"GET\",route=\"/api/v1/widget-keys\",status=\"200\"}")
                .contains("widget_admin_request_duration_seconds_bucket{")
                .contains("widget_admin_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/widget-keys\","
                        + "status=\"200\"}");
    }

    @Test
    void metrics_countTheAliasUnderTheCanonicalRoute() {
        assertThat(api.call("POST", "/v1/widget-keys", token, null, "{\"name\":\"via alias\"}").status())
                .isEqualTo(201);

        assertThat(api.ops("/metrics").body())
                .contains("widget_admin_requests_total{method=\"POST\",route=\"/api/v1/widget-keys\",status=\"201\"}")
                .doesNotContain("route=\"/v1/widget-keys\"");
    }

    @Test
    void aScrape_rendersTheMeters_offTheEventLoops() {
        List<String> renderedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.micrometer.core.instrument.Gauge.builder("test.scrape.thread", () -> {
            renderedOn.add(Thread.currentThread().getName());
            return 1;
        }).register(api.registry);

        assertThat(api.ops("/metrics").body()).contains("test_scrape_thread");

        assertThat(renderedOn).isNotEmpty();
        assertThat(renderedOn)
                .as("regression: /metrics rendered every meter on the event loop the gateway and the admin API share")
                .noneMatch(thread -> thread.startsWith("io-"));
    }

    @Test
    void metrics_includeJvmMetrics() {
        assertThat(api.ops("/metrics").body()).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads");
    }

    @Test
    void metrics_neverContainATokenAKeyAKeyIdOrARequestPath() {
        JsonNode created = api.call("POST", "/api/v1/widget-keys", token, null, "{\"name\":\"secret test\"}").json();
        String id = created.get("id").asText();
        String plaintext = created.get("key").asText();
        String strayPath = "/stray-" + UUID.randomUUID();
        api.call("PATCH", "/api/v1/widget-keys/" + id, token, null, "{\"disabled\":true}");
        api.call("GET", strayPath, token, null, null);
        api.call("GET", "/api/v1/widget-keys", "wet_" + "Z".repeat(43), null, null);
        api.call("DELETE", "/api/v1/widget-keys/" + id, token, null, null);

        String metrics = api.ops("/metrics").body();

        assertThat(metrics)
                .contains("route=\"/api/v1/widget-keys/{id}\"")
                .doesNotContain(token)
                .doesNotContain(token.substring(4))
                .doesNotContain("Z".repeat(43))
                .doesNotContain(plaintext)
                .doesNotContain(plaintext.substring("pk_live_".length()))
                .doesNotContain(id)
                .doesNotContain(strayPath);
    }

    // --- raw HTTP/1.1 ---

    private static byte[] chunked(byte[] body, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1024);
        out.writeBytes(chunks(body, chunkSize));
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** {@code body} as data chunks of {@code chunkSize}, without the terminating chunk. */
    private static byte[] chunks(byte[] body, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1024);
        for (int offset = 0; offset < body.length; offset += chunkSize) {
            int length = Math.min(chunkSize, body.length - offset);
            out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, offset, length);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** A response read off a raw socket; header names lowercased. */
    record RawResponse(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name);
        }

        Map<String, List<String>> headerLists() {
            Map<String, List<String>> lists = new LinkedHashMap<>();
            headers.forEach((name, value) -> lists.put(name, List.of(value)));
            return lists;
        }
    }

    /** One TCP connection speaking HTTP/1.1 by hand, for what an HTTP client will not send. */
    static final class RawConnection implements AutoCloseable {

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        RawConnection(int port) {
            try {
                socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(10_000);
                out = socket.getOutputStream();
                in = new BufferedInputStream(socket.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void send(String ascii) {
            send(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        void send(byte[] bytes) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Sends a body the server may refuse part-way: once it has answered and closed, the rest
         * of the write fails, which is expected; the answer is still there to read.
         */
        void sendIgnoringReset(String ascii) {
            sendIgnoringReset(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        void sendIgnoringReset(byte[] bytes) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException expected) {
                // The server closed after answering; read() gets its answer.
            }
        }

        /** Reads one response: status line, headers, and a Content-Length body. */
        RawResponse read() {
            try {
                String statusLine = line();
                assertThat(statusLine).as("status line").startsWith("HTTP/1.");
                int status = Integer.parseInt(statusLine.substring(9, 12));
                Map<String, String> headers = new LinkedHashMap<>();
                for (String line = line(); !line.isEmpty(); line = line()) {
                    int colon = line.indexOf(':');
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
                String length = headers.get("content-length");
                byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
                return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Whether the server has closed the connection (end of stream or reset) with nothing more sent. */
        boolean closedByServer() {
            try {
                return in.read() == -1;
            } catch (SocketException reset) {
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Reads and drops whatever the server sends until it closes the connection. */
        void readAllUntilClosed() {
            try {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (SocketException reset) {
                // Closed all the same.
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Whether the server still holds the connection open, asked with a cheap request. */
        boolean isOpen() {
            try {
                send(head("GET", "/api/v1/openapi.json"));
                return read().status() == 200;
            } catch (UncheckedIOException | AssertionError closed) {
                return false;
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int previous = -1;
            for (int b = in.read(); b != -1; b = in.read()) {
                if (previous == '\r' && b == '\n') {
                    byte[] bytes = line.toByteArray();
                    return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
                previous = b;
            }
            throw new IOException("connection closed before the end of a line: "
                    + line.toString(StandardCharsets.ISO_8859_1));
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
