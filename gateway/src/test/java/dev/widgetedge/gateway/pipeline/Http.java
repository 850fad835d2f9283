package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Building requests and reading the responses handlers write, for the pipeline's unit tests. */
final class Http {

    static final String ACME = "https://acme.com";
    static final String EVIL = "https://evil.example";

    private static final JsonFactory JSON = new JsonFactory();

    private Http() {
    }

    /** A request head; {@code origin} may be {@code null} (no header). */
    static HttpRequest head(HttpMethod method, String uri, String origin) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        request.headers().set(HttpHeaderNames.HOST, "edge.example.com");
        if (origin != null) {
            request.headers().set(HttpHeaderNames.ORIGIN, origin);
        }
        return request;
    }

    /** A complete request with a tracked body ({@code ""} for none). */
    static FullHttpRequest full(TrackingAllocator allocator, HttpMethod method, String uri, String origin, String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, allocator.text(body));
        request.headers().set(HttpHeaderNames.HOST, "edge.example.com");
        if (origin != null) {
            request.headers().set(HttpHeaderNames.ORIGIN, origin);
        }
        return request;
    }

    static HttpContent part(TrackingAllocator allocator, String text) {
        return new DefaultHttpContent(allocator.text(text));
    }

    static LastHttpContent last(TrackingAllocator allocator, String text) {
        return new DefaultLastHttpContent(allocator.text(text));
    }

    /** The next outbound message, which must be a complete response; the caller releases it. */
    static FullHttpResponse response(EmbeddedChannel channel) {
        Object written = channel.readOutbound();
        assertThat(written).as("the handler wrote a complete response").isInstanceOf(FullHttpResponse.class);
        return (FullHttpResponse) written;
    }

    /** Releases {@code response} and asserts that this freed it. */
    static void release(Object message) {
        assertThat(ReferenceCountUtil.release(message)).as("the last reference to %s", message).isTrue();
    }

    static String body(FullHttpResponse response) {
        return response.content().toString(StandardCharsets.UTF_8);
    }

    /** The fields of a flat JSON object body; values as text ({@code null} for JSON null). */
    static Map<String, String> json(FullHttpResponse response) {
        return json(body(response));
    }

    static Map<String, String> json(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            assertThat(parser.nextToken()).as("a JSON object: %s", body).isEqualTo(JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                fields.put(name, value == JsonToken.VALUE_NULL ? null : parser.getText());
            }
            assertThat(parser.currentToken()).as("a flat JSON object: %s", body).isEqualTo(JsonToken.END_OBJECT);
            assertThat(parser.nextToken()).as("nothing after the object: %s", body).isNull();
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
        return fields;
    }

    /** The {@code error} code of a JSON error body, asserting it also has a message. */
    static String errorCode(FullHttpResponse response) {
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                .isEqualTo(response.content().readableBytes());
        Map<String, String> fields = json(response);
        assertThat(fields).containsOnlyKeys("error", "message");
        assertThat(fields.get("message")).isNotBlank();
        return fields.get("error");
    }

    /** Tracked bytes of a raw HTTP/1.1 message; {@code \n} in {@code text} becomes CRLF. */
    static ByteBuf raw(TrackingAllocator allocator, String text) {
        return allocator.text(text.replace("\r\n", "\n").replace("\n", "\r\n"));
    }
}
