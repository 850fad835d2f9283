package dev.widgetedge.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Iterator;
import java.util.List;

/**
 * The checks every server applies to a request head after the codec has decoded it, and before
 * anything acts on it. The codec already refuses what breaks framing (whitespace before a colon,
 * several {@code Content-Length}s, {@code Content-Length} with {@code Transfer-Encoding}, a
 * {@code Transfer-Encoding} that does not end in {@code chunked}); these add what RFC 9112 asks of
 * a server beyond that:
 *
 * <ul>
 *   <li>the target parses ({@link RequestTarget#parse});</li>
 *   <li>the version is HTTP/1.x ({@code 505} otherwise);</li>
 *   <li>exactly one valid {@code Host: host[:port]}, or none on HTTP/1.0 (§3.2: {@code 400});</li>
 *   <li>{@code Transfer-Encoding} is exactly {@code chunked}: no other coding is implemented
 *       ({@code 501}), and passing one on undecoded would hand the next hop a body it cannot read.</li>
 * </ul>
 */
public final class RequestHeads {

    private RequestHeads() {
    }

    /**
     * The request's parsed target, once the head passed every check.
     *
     * @throws RefusedRequestException naming the first check that failed
     */
    public static RequestTarget check(HttpRequest request) {
        RequestTarget target = RequestTarget.parse(request.uri());
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1) {
            throw new RefusedRequestException(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "HTTP version not supported: " + version.text());
        }
        HttpHeaders headers = request.headers();
        checkHost(headers.valueStringIterator(HttpHeaderNames.HOST), version);
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            checkTransferEncoding(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING));
        }
        return target;
    }

    private static void checkHost(Iterator<String> hosts, HttpVersion version) {
        if (!hosts.hasNext()) {
            if (version.minorVersion() >= 1) {
                throw new RefusedRequestException(HttpResponseStatus.BAD_REQUEST, "Missing Host header");
            }
            return;
        }
        String host = hosts.next();
        if (hosts.hasNext()) {
            throw badHost("sent more than once");
        }
        if (!Authority.isValid(host)) {
            throw badHost("expected host[:port]");
        }
    }

    private static void checkTransferEncoding(List<String> codings) {
        if (codings.size() > 1 || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0).strip())) {
            throw new RefusedRequestException(HttpResponseStatus.NOT_IMPLEMENTED,
                    "Transfer-Encoding not implemented: only chunked is accepted");
        }
    }

    private static RefusedRequestException badHost(String detail) {
        return new RefusedRequestException(HttpResponseStatus.BAD_REQUEST, "Invalid Host header: " + detail);
    }
}
