package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widgetedge.core.audit.AuditLimits;
import dev.widgetedge.core.key.AdminTokenFormat;
import dev.widgetedge.core.store.InMemoryAdminTokenStore;
import dev.widgetedge.core.store.ForwardingWidgetKeyStore;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.core.widget.WidgetKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link AdminHandler} on an {@link EmbeddedChannel} with the in-memory stores: routing, auth,
 * error mapping, asynchronous answers, and that every buffer it is given or gives is released.
 */
class AdminHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "acct_a";
    private static final String KEY_PATH = "/api/v1/widget-keys/0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e";

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T05:51:00.123Z"), ZoneOffset.UTC);
    private final InMemoryWidgetKeyStore keys = new InMemoryWidgetKeyStore();
    private final InMemoryAdminTokenStore tokens = new InMemoryAdminTokenStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<ReferenceCounted> inbound = new ArrayList<>();
    private String token;
    private EmbeddedChannel channel;

    /** A response as the client would see it, copied out so the buffer can be released at once. */
    private record Answer(int status, HttpHeaders headers, String body) {

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    @BeforeEach
    void issueToken() {
        token = AdminTokenFormat.mintToken();
        AdminTokens.issue(tokens, token, "test", AccountScope.of(Set.of(ACCOUNT)), clock).toCompletableFuture().join();
    }

    @AfterEach
    void everythingWasReadAndReleased() {
        if (channel == null) {
            return;
        }
        channel.runPendingTasks();
        Object unread = channel.readOutbound();
        assertThat(unread).as("an outbound message nobody read").isNull();
        assertThat(channel.finish()).as("channel.finish(): messages left in the channel").isFalse();
        for (ReferenceCounted message : inbound) {
            assertThat(message.refCnt()).as("refCnt of a message written to the handler").isZero();
        }
    }

    private AdminHandler handler(WidgetKeyStore store) {
        return new AdminHandler(new Authenticator(tokens), new KeyEndpoints(store, clock, AuditLimits.defaults()),
                new AdminMetrics(registry), OpenApiDocument.load());
    }

    private EmbeddedChannel handlerAlone() {
        channel = new EmbeddedChannel(handler(keys));
        return channel;
    }

    private <T extends ReferenceCounted> T tracked(T message) {
        inbound.add(message);
        return message;
    }

    private FullHttpRequest request(HttpMethod method, String uri, String bearer, String body) {
        ByteBuf content = body == null ? Unpooled.buffer(0) : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, content);
        HttpUtil.setContentLength(request, content.readableBytes());
        request.headers().set(HttpHeaderNames.HOST, "admin.internal");
        if (bearer != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer);
        }
        return tracked(request);
    }

    /** Reads the next response, copies it, and releases it, asserting that release frees it. */
    private Answer readAnswer() {
        channel.runPendingTasks();
        Object out = channel.readOutbound();
        assertThat(out).as("a response").isInstanceOf(FullHttpResponse.class);
        FullHttpResponse response = (FullHttpResponse) out;
        Answer answer = new Answer(response.status().code(), response.headers().copy(),
                response.content().toString(StandardCharsets.UTF_8));
        assertThat(response.release()).as("releasing the response frees its buffer").isTrue();
        assertThat(response.refCnt()).isZero();
        return answer;
    }

    private Answer exchange(FullHttpRequest request) {
        channel.writeInbound(request);
        Answer answer = readAnswer();
        assertThat(request.refCnt()).as("the handler released the request").isZero();
        return answer;
    }

    private double requestsCounted(String route, String method, int status) {
        var counter = registry.find(AdminMetrics.REQUESTS)
                .tags("route", route, "method", method, "status", Integer.toString(status)).counter();
        return counter == null ? 0 : counter.count();
    }

    // --- routing without auth ---

    @Test
    void unknownPath_is404NotFound_withoutAskingForAuth() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.GET, "/api/v1/nothing-here", null, null));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body()).isEqualTo("Not found");
        assertThat(answer.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain; charset=utf-8");
        assertThat(answer.headers().contains(HttpHeaderNames.WWW_AUTHENTICATE)).isFalse();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void trailingSlash_andExtraSegments_are404() {
        handlerAlone();

        assertThat(exchange(request(HttpMethod.GET, "/api/v1/widget-keys/", token, null)).status()).isEqualTo(404);
        assertThat(exchange(request(HttpMethod.DELETE, KEY_PATH + "/extra", token, null)).status()).isEqualTo(404);
        assertThat(exchange(request(HttpMethod.GET, "/api/v1/widget-keysX", token, null)).status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "PUT," + KEY_PATH + ",'DELETE, PATCH'",
            "GET," + KEY_PATH + ",'DELETE, PATCH'",
            "POST," + KEY_PATH + ",'DELETE, PATCH'",
            "DELETE,/api/v1/widget-keys,'GET, POST'",
            "PATCH,/api/v1/widget-keys,'GET, POST'",
            "PUT,/v1/widget-keys,'GET, POST'",
            "POST,/api/v1/openapi.json,GET",
            "DELETE,/api/v1/openapi.json,GET"})
    void wrongMethod_is405WithAllow_beforeAuth(String method, String path, String allow) {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.valueOf(method), path, null, null));

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.body()).isEqualTo("Method not allowed");
        assertThat(answer.headers().get(HttpHeaderNames.ALLOW)).isEqualTo(allow);
    }

    @Test
    void openApi_withoutAuth_is200WithTheDocument() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.GET, "/api/v1/openapi.json", null, null));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(answer.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(OpenApiDocument.load());
        assertThat(answer.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(OpenApiDocument.load().length);
    }

    @Test
    void openApi_ignoresAQueryString() {
        handlerAlone();

        assertThat(exchange(request(HttpMethod.GET, "/api/v1/openapi.json?download=1", null, null)).status())
                .isEqualTo(200);
    }

    // --- malformed requests ---

    @ParameterizedTest(name = "{0}")
    @CsvSource({"generic,400,Malformed HTTP request", "line,414,Request line too long",
            "header,431,Request header fields too large"})
    void failedDecoderResult_isAnsweredAndClosesTheChannel(String kind, int status, String body) {
        handlerAlone();
        FullHttpRequest request = request(HttpMethod.GET, "/bad-request", null, null);
        request.setDecoderResult(DecoderResult.failure(switch (kind) {
            case "line" -> new TooLongHttpLineException("An HTTP line is larger than 8192 bytes.");
            case "header" -> new TooLongHttpHeaderException("HTTP header is larger than 16384 bytes.");
            default -> new IllegalArgumentException("invalid version format");
        }));

        Answer answer = exchange(request);

        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.body()).isEqualTo(body);
        assertThat(answer.headers().get(HttpHeaderNames.CONNECTION)).isEqualToIgnoringCase("close");
        assertThat(channel.isOpen()).isFalse();
        assertThat(requestsCounted("unmatched", "GET", status))
                .as("widget_admin_requests_total must count the status actually answered (%d), but AdminHandler "
                        + "records 400 before HttpResponses.rejectMalformed picks 414/431; counted as 400: %s",
                        status, requestsCounted("unmatched", "GET", 400))
                .isEqualTo(1);
    }

    // --- authenticated calls ---

    @Test
    void missingToken_is401WithAChallenge() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.GET, "/api/v1/widget-keys", null, null));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body()).isEqualTo("Missing or invalid bearer token");
        assertThat(answer.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).startsWith("Bearer");
    }

    @Test
    void unknownToken_is401() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.GET, "/api/v1/widget-keys", AdminTokenFormat.mintToken(), null));

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void list_withAToken_is200AndAnArray() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.GET, "/api/v1/widget-keys", token, null));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("[]");
        assertThat(answer.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(answer.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
        assertThat(answer.headers().get("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void create_is201WithLocation_andTheKeyIsThenListed() throws IOException {
        handlerAlone();

        Answer created = exchange(request(HttpMethod.POST, "/api/v1/widget-keys", token,
                "{\"name\":\"shop\",\"domain_allowlist\":[\"HTTPS://Shop.Example:443/\"]}"));
        Answer listed = exchange(request(HttpMethod.GET, "/api/v1/widget-keys", token, null));

        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/api/v1/widget-keys/" + id);
        assertThat(created.json().get("created_at").asText()).isEqualTo("2026-11-24T05:51:00.123Z");
        assertThat(created.json().get("domain_allowlist").get(0).asText()).isEqualTo("https://shop.example");
        assertThat(listed.json()).hasSize(1);
        assertThat(listed.json().get(0).get("id").asText()).isEqualTo(id);
        assertThat(listed.body()).doesNotContain(created.json().get("key").asText());
    }

    @Test
    void createViaTheAlias_answersTheCanonicalLocation() throws IOException {
        handlerAlone();

        Answer created = exchange(request(HttpMethod.POST, "/v1/widget-keys", token, "{\"name\":\"alias\"}"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.headers().get(HttpHeaderNames.LOCATION))
                .isEqualTo("/api/v1/widget-keys/" + created.json().get("id").asText());
    }

    @Test
    void patchAndDelete_ofAKey_are204_andThen404() throws IOException {
        handlerAlone();
        String id = exchange(request(HttpMethod.POST, "/api/v1/widget-keys", token, "{\"name\":\"n\"}"))
                .json().get("id").asText();

        Answer patched = exchange(request(HttpMethod.PATCH, "/api/v1/widget-keys/" + id, token, "{\"name\":\"m\"}"));
        Answer deleted = exchange(request(HttpMethod.DELETE, "/api/v1/widget-keys/" + id, token, null));
        Answer again = exchange(request(HttpMethod.DELETE, "/api/v1/widget-keys/" + id, token, null));

        assertThat(patched.status()).isEqualTo(204);
        assertThat(patched.body()).isEmpty();
        assertThat(patched.headers().contains(HttpHeaderNames.CONTENT_TYPE)).isFalse();
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.body()).isEqualTo("Widget key not found");
    }

    @Test
    void invalidCreateBody_is400WithCreatesSentence() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.POST, "/api/v1/widget-keys", token, "{\"name\":\"\"}"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).startsWith("Invalid body or name required: ");
    }

    @Test
    void invalidPatchBody_is400WithUpdatesSentence_evenForAnUnknownId() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.PATCH, KEY_PATH, token, "{\"disabled\":\"yes\"}"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).isEqualTo("Invalid body: disabled must be true or false");
    }

    @Test
    void malformedKeyId_is404() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.DELETE, "/api/v1/widget-keys/1-1-1-1-1", token, null));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body()).isEqualTo("Widget key not found");
    }

    // --- asynchronous answers ---

    @Test
    void storeAnsweringLater_isAnsweredWhenItDoes() {
        HeldStore held = new HeldStore(keys);
        channel = new EmbeddedChannel(handler(held));
        FullHttpRequest request = request(HttpMethod.GET, "/api/v1/widget-keys", token, null);

        channel.writeInbound(request);
        channel.runPendingTasks();
        Object beforeTheStoreAnswers = channel.readOutbound();
        assertThat(request.refCnt()).as("the request is released before the store answers").isZero();
        held.release();
        Answer answer = readAnswer();

        assertThat(beforeTheStoreAnswers).isNull();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("[]");
    }

    @Test
    void storeFailing_is500DatabaseError() {
        HeldStore held = new HeldStore(keys);
        channel = new EmbeddedChannel(handler(held));
        channel.writeInbound(request(HttpMethod.GET, "/api/v1/widget-keys", token, null));

        held.fail(new StoreException("connection refused"));
        Answer answer = readAnswer();

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body()).isEqualTo("Database error");
        assertThat(requestsCounted("/api/v1/widget-keys", "GET", 500)).isEqualTo(1);
    }

    @Test
    void unexpectedFailure_is500InternalServerError() {
        HeldStore held = new HeldStore(keys);
        channel = new EmbeddedChannel(handler(held));
        channel.writeInbound(request(HttpMethod.GET, "/api/v1/widget-keys", token, null));

        held.fail(new IllegalStateException("a bug"));
        Answer answer = readAnswer();

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body()).isEqualTo("Internal server error");
    }

    @Test
    void channelClosedBeforeTheStoreAnswers_writesNothingAndFailsNothing() {
        HeldStore held = new HeldStore(keys);
        channel = new EmbeddedChannel(handler(held));
        channel.writeInbound(request(HttpMethod.GET, "/api/v1/widget-keys", token, null));
        channel.close();

        held.release();
        channel.runPendingTasks();

        assertThat(channel.<Object>readOutbound()).isNull();
        channel.checkException();
    }

    // --- with an aggregator in front ---

    @Test
    void requestInParts_isAggregatedAndAnswered() throws IOException {
        channel = new EmbeddedChannel(new HttpObjectAggregator(BodyLimit.MAX_BODY_BYTES), handler(keys));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/widget-keys");
        head.headers().set(HttpHeaderNames.HOST, "admin.internal").set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        HttpContent first = tracked(
                new DefaultHttpContent(Unpooled.copiedBuffer("{\"name\":", StandardCharsets.UTF_8)));
        HttpContent last = tracked(
                new DefaultLastHttpContent(Unpooled.copiedBuffer("\"parts\"}", StandardCharsets.UTF_8)));

        channel.writeInbound(head, first, last);
        Answer answer = readAnswer();

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("name").asText()).isEqualTo("parts");
    }

    @Test
    void bodyLimit_contentLengthOverTheLimit_is413NamingTheLimit_andCloses() {
        channel = new EmbeddedChannel(new BodyLimit(new AdminMetrics(registry)), handler(keys));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/widget-keys");
        head.headers().set(HttpHeaderNames.HOST, "admin.internal").set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        HttpUtil.setContentLength(head, BodyLimit.MAX_BODY_BYTES + 1);

        channel.writeInbound(head);
        Answer answer = readAnswer();

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain; charset=utf-8");
        assertThat(answer.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
        assertThat(answer.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(answer.body()).isEqualTo("Request body too large: the limit is 65536 bytes");
        assertThat(channel.isOpen()).isFalse();
        assertThat(requestsCounted("/api/v1/widget-keys", "POST", 413)).isEqualTo(1);
    }

    @Test
    void bodyLimit_chunkedBodyOverTheLimit_is413_andReleasesEveryChunk() {
        channel = new EmbeddedChannel(new BodyLimit(new AdminMetrics(registry)), handler(keys));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/widget-keys");
        head.headers().set(HttpHeaderNames.HOST, "admin.internal").set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        byte[] half = new byte[BodyLimit.MAX_BODY_BYTES / 2];
        Arrays.fill(half, (byte) ' ');
        HttpContent first = tracked(new DefaultHttpContent(Unpooled.wrappedBuffer(half)));
        HttpContent second = tracked(new DefaultHttpContent(Unpooled.wrappedBuffer(half.clone())));
        HttpContent overflow = tracked(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[] {' '})));

        channel.writeInbound(head, first, second, overflow);
        Answer answer = readAnswer();

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("65536");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void bodyLimit_bodyOfExactlyTheLimit_isAccepted() throws IOException {
        channel = new EmbeddedChannel(new BodyLimit(new AdminMetrics(registry)), handler(keys));
        String json = "{\"name\":\"exactly the limit\"}";
        String body = json + " ".repeat(BodyLimit.MAX_BODY_BYTES - json.length());
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/widget-keys");
        head.headers().set(HttpHeaderNames.HOST, "admin.internal").set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        HttpUtil.setContentLength(head, body.length());
        HttpContent content = tracked(new DefaultLastHttpContent(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)));

        channel.writeInbound(head, content);
        Answer answer = readAnswer();

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("name").asText()).isEqualTo("exactly the limit");
    }

    // --- metrics ---

    @Test
    void metrics_labelTheAliasWithTheCanonicalRoute_andUnknownPathsAsUnmatched() {
        handlerAlone();

        exchange(request(HttpMethod.GET, "/v1/widget-keys", token, null));
        exchange(request(HttpMethod.GET, "/api/v1/widget-keys", token, null));
        exchange(request(HttpMethod.GET, "/some/random/path/" + UUID.randomUUID(), token, null));

        assertThat(requestsCounted("/api/v1/widget-keys", "GET", 200)).isEqualTo(2);
        assertThat(requestsCounted("unmatched", "GET", 404)).isEqualTo(1);
        assertThat(registry.find(AdminMetrics.DURATION).tags("route", "/api/v1/widget-keys").timer().count())
                .isEqualTo(2);
    }

    @Test
    void metrics_labelAnUnknownMethodAsOther() {
        handlerAlone();

        Answer answer = exchange(request(HttpMethod.valueOf("BREW"), "/api/v1/widget-keys", null, null));

        assertThat(answer.status()).isEqualTo(405);
        assertThat(requestsCounted("/api/v1/widget-keys", "OTHER", 405)).isEqualTo(1);
        assertThat(registry.find(AdminMetrics.REQUESTS).tag("method", "BREW").counter()).isNull();
    }

    /**
     * The in-memory store, except that {@code listByAccount} answers only when the test says so,
     * as a remote store would.
     */
    private static final class HeldStore extends ForwardingWidgetKeyStore {

        private final List<CompletableFuture<List<WidgetKey>>> pending = new ArrayList<>();
        private final List<String> accounts = new ArrayList<>();

        HeldStore(WidgetKeyStore delegate) {
            super(delegate);
        }

        void release() {
            for (int i = 0; i < pending.size(); i++) {
                CompletableFuture<List<WidgetKey>> future = pending.get(i);
                delegate().listByAccount(accounts.get(i)).whenComplete((value, error) -> {
                    if (error != null) {
                        future.completeExceptionally(error);
                    } else {
                        future.complete(value);
                    }
                });
            }
        }

        void fail(Throwable error) {
            pending.forEach(future -> future.completeExceptionally(error));
        }

        @Override
        public CompletionStage<List<WidgetKey>> listByAccount(String accountId) {
            CompletableFuture<List<WidgetKey>> future = new CompletableFuture<>();
            pending.add(future);
            accounts.add(accountId);
            return future;
        }
    }
}
