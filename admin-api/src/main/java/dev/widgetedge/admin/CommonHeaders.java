package dev.widgetedge.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * The headers every admin API response carries, whoever writes it: {@code Cache-Control: no-store}
 * (create returns a secret, and no answer may be cached) and {@code X-Content-Type-Options: nosniff}.
 */
final class CommonHeaders {

    private static final AsciiString NO_STORE = AsciiString.cached("no-store");
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");
    private static final AsciiString X_CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");

    private CommonHeaders() {
    }

    static void addTo(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CACHE_CONTROL, NO_STORE).set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    }
}
