package dev.widgetedge.gateway.pipeline;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.server.HttpResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * {@code GET /v1/widget/bootstrap} once allowed: {@code 200} with
 * {@code {"key_id", "account_id", "agent_id"}}. The {@link ResponseDecorator} adds the CORS and
 * caching headers.
 *
 * <p>The body is composed in a heap array of its exact length and wrapped, not copied into a pooled
 * buffer: the HTTP encoder copies a body this small into the buffer it encodes the head into, so a
 * pooled buffer of its own would be taken from the pool and given back for nothing. The id is hex
 * and the account and agent ids are ASCII of characters JSON never escapes (the admin API's
 * validation), so there is nothing to encode.
 */
final class BootstrapResponder implements Responder {

    private static final byte[] KEY_ID = "{\"key_id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCOUNT_ID = "\",\"account_id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AGENT_ID = "\",\"agent_id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int UUID_LENGTH = 36;

    @Override
    public Answer respond(Exchange exchange, HttpRequest request, ByteBufAllocator allocator) {
        byte[] body = body(exchange.allowed());
        ByteBuf content = request.method().equals(HttpMethod.HEAD) ? Unpooled.buffer(0) : Unpooled.wrappedBuffer(body);
        FullHttpResponse response = HttpResponses.newResponse(HttpResponseStatus.OK, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return new Answer(response, exchange.servedOutcome());
    }

    /** The JSON body, in one array of its exact length. */
    private static byte[] body(Decision.Allowed allowed) {
        String account = allowed.accountId();
        String agent = allowed.agentId();
        byte[] accountEscaped = isPlainAscii(account) ? null : encoded(account);
        byte[] agentEscaped = agent == null || isPlainAscii(agent) ? null : encoded(agent);
        int accountLength = accountEscaped == null ? account.length() : accountEscaped.length;
        int agentLength = agent == null ? NULL.length : 2 + (agentEscaped == null ? agent.length() : agentEscaped.length);
        byte[] out = new byte[KEY_ID.length + UUID_LENGTH + ACCOUNT_ID.length + accountLength + AGENT_ID.length
                + agentLength + 1];
        int at = put(out, 0, KEY_ID);
        at = putUuid(out, at, allowed.keyId());
        at = put(out, at, ACCOUNT_ID);
        at = accountEscaped == null ? putAscii(out, at, account) : put(out, at, accountEscaped);
        at = put(out, at, AGENT_ID);
        if (agent == null) {
            at = put(out, at, NULL);
        } else {
            out[at++] = '"';
            at = agentEscaped == null ? putAscii(out, at, agent) : put(out, at, agentEscaped);
            out[at++] = '"';
        }
        out[at] = '}';
        return out;
    }

    /**
     * Whether JSON needs no escape for {@code value}. Ids come validated from the admin API; a
     * record edited by hand in Redis could hold anything, and is then encoded properly.
     */
    private static boolean isPlainAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static byte[] encoded(String value) {
        return JsonStringEncoder.getInstance().quoteAsUTF8(value);
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    /** {@code value}, known to be plain ASCII, one byte per character. */
    private static int putAscii(byte[] out, int at, String value) {
        for (int i = 0; i < value.length(); i++) {
            out[at + i] = (byte) value.charAt(i);
        }
        return at + value.length();
    }

    /** The canonical 8-4-4-4-12 lowercase form, as {@link UUID#toString()} gives it. */
    private static int putUuid(byte[] out, int at, UUID id) {
        long most = id.getMostSignificantBits();
        long least = id.getLeastSignificantBits();
        at = putHex(out, at, most >>> 32, 8);
        out[at++] = '-';
        at = putHex(out, at, most >>> 16, 4);
        out[at++] = '-';
        at = putHex(out, at, most, 4);
        out[at++] = '-';
        at = putHex(out, at, least >>> 48, 4);
        out[at++] = '-';
        return putHex(out, at, least, 12);
    }

    private static int putHex(byte[] out, int at, long value, int digits) {
        for (int i = 0; i < digits; i++) {
            out[at + i] = HEX[(int) (value >>> ((digits - 1 - i) * 4)) & 0xF];
        }
        return at + digits;
    }
}
