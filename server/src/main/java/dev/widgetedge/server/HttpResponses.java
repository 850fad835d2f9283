package dev.widgetedge.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/** Building and sending the plain responses both servers need. */
public final class HttpResponses {

    public static final AsciiString TEXT_PLAIN_UTF8 = AsciiString.cached("text/plain; charset=utf-8");
    public static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");

    /**
     * Headers of responses the servers build themselves: names and values are constants or come
     * from request headers the codec already validated, so checking them again on every set is
     * work without a purpose on the hot path.
     */
    private static final HttpHeadersFactory OWN_HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withValidation(false);
    private static final HttpHeadersFactory OWN_TRAILERS = DefaultHttpHeadersFactory.trailersFactory()
            .withValidation(false);

    private HttpResponses() {
    }

    /** A response whose headers the caller sets; see {@link #OWN_HEADERS}. */
    public static FullHttpResponse newResponse(HttpResponseStatus status, ByteBuf content) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content, OWN_HEADERS, OWN_TRAILERS);
    }

    /** A response with a body of {@code contentType}, {@code Content-Length} set. */
    public static FullHttpResponse of(ByteBufAllocator allocator, HttpResponseStatus status,
            AsciiString contentType, byte[] body) {
        ByteBuf content = allocator.buffer(body.length).writeBytes(body);
        FullHttpResponse response = newResponse(status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    /** A {@code text/plain; charset=utf-8} response. */
    public static FullHttpResponse text(ByteBufAllocator allocator, HttpResponseStatus status, String body) {
        return of(allocator, status, TEXT_PLAIN_UTF8, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A response without a body ({@code 204}, {@code 304}). */
    public static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = newResponse(status, Unpooled.buffer(0));
        if (status.code() != 204 && status.code() != 304) {
            HttpUtil.setContentLength(response, 0);
        }
        return response;
    }

    /**
     * The answer to a request the codec could not decode: {@code 414} for a request line that is
     * too long, {@code 431} for headers that are too large, {@code 400} otherwise. The connection
     * is closed after it ({@link LingeringClose}), since the byte stream can no longer be trusted.
     *
     * @return the status sent
     */
    public static HttpResponseStatus rejectMalformed(ChannelHandlerContext ctx, DecoderResult result) {
        FullHttpResponse response = malformed(ctx.alloc(), result);
        LingeringClose.send(ctx, response);
        return response.status();
    }

    /**
     * The answer to a request (or a part of its body) the codec could not decode, as
     * {@link #rejectMalformed} sends it; the caller closes the connection after it.
     */
    public static FullHttpResponse malformed(ByteBufAllocator allocator, DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            return text(allocator, HttpResponseStatus.REQUEST_URI_TOO_LONG, "Request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return text(allocator, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request header fields too large");
        }
        return text(allocator, HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request");
    }

    /**
     * The answer to a request head that decoded but was refused ({@link RequestHeads}): its status
     * and sentence, then the connection is closed as for {@link #rejectMalformed}.
     */
    public static void reject(ChannelHandlerContext ctx, RefusedRequestException refused) {
        LingeringClose.send(ctx, refusal(ctx.alloc(), refused));
    }

    /** The answer {@link #reject} sends; the caller closes the connection after it. */
    public static FullHttpResponse refusal(ByteBufAllocator allocator, RefusedRequestException refused) {
        return text(allocator, refused.status(), refused.getMessage());
    }
}
