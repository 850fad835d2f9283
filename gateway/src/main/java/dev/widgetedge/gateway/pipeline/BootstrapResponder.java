package dev.widgetedge.gateway.pipeline;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.server.HttpResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
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
 * <p>The body is written straight into the response buffer: the id is hex and the account and
 * agent ids are ASCII of characters JSON never escapes (the admin API's validation), so there is
 * nothing to encode, and nothing to allocate per request.
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
        boolean head = request.method().equals(HttpMethod.HEAD);
        Decision.Allowed allowed = exchange.allowed();
        int length = bodyLength(allowed);
        ByteBuf content = head ? allocator.buffer(0) : writeBody(allocator.buffer(length), allowed);
        FullHttpResponse response = HttpResponses.newResponse(HttpResponseStatus.OK, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return new Answer(response, exchange.servedOutcome());
    }

    private static int bodyLength(Decision.Allowed allowed) {
        int agent = allowed.agentId() == null ? NULL.length : jsonLength(allowed.agentId()) + 2;
        return KEY_ID.length + UUID_LENGTH + ACCOUNT_ID.length + jsonLength(allowed.accountId())
                + AGENT_ID.length + agent + 1;
    }

    /** The length of a string's JSON encoding (its own length for the ids the admin API accepts). */
    private static int jsonLength(String value) {
        return isPlainAscii(value) ? value.length() : encoded(value).length;
    }

    private static void writeString(ByteBuf out, String value) {
        if (isPlainAscii(value)) {
            ByteBufUtil.writeAscii(out, value);
        } else {
            out.writeBytes(encoded(value));
        }
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

    private static ByteBuf writeBody(ByteBuf out, Decision.Allowed allowed) {
        out.writeBytes(KEY_ID);
        writeUuid(out, allowed.keyId());
        out.writeBytes(ACCOUNT_ID);
        writeString(out, allowed.accountId());
        out.writeBytes(AGENT_ID);
        if (allowed.agentId() == null) {
            out.writeBytes(NULL);
        } else {
            out.writeByte('"');
            writeString(out, allowed.agentId());
            out.writeByte('"');
        }
        return out.writeByte('}');
    }

    /** The canonical 8-4-4-4-12 lowercase form, as {@link UUID#toString()} gives it. */
    private static void writeUuid(ByteBuf out, UUID id) {
        writeHex(out, id.getMostSignificantBits() >>> 32, 8);
        out.writeByte('-');
        writeHex(out, id.getMostSignificantBits() >>> 16, 4);
        out.writeByte('-');
        writeHex(out, id.getMostSignificantBits(), 4);
        out.writeByte('-');
        writeHex(out, id.getLeastSignificantBits() >>> 48, 4);
        out.writeByte('-');
        writeHex(out, id.getLeastSignificantBits(), 12);
    }

    private static void writeHex(ByteBuf out, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(int) (value >>> shift) & 0xF]);
        }
    }
}
