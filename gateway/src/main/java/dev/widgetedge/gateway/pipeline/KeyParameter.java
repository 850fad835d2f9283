package dev.widgetedge.gateway.pipeline;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/** Finds the {@code key} query parameter without building a parameter map (hot path). */
final class KeyParameter {

    /**
     * What {@link #of} returns when the query names {@code key} more than once: not of the key
     * format, so the request is refused as {@code invalid_key} without a lookup.
     */
    static final String AMBIGUOUS = "(several key parameters)";

    private KeyParameter() {
    }

    /**
     * The value of the single {@code key} parameter of {@code uri}, percent-decoded; {@code null}
     * when there is none; {@link #AMBIGUOUS} when there are several, since picking one could let a
     * proxy in front of the gateway act on another.
     */
    static String of(String uri) {
        int query = uri.indexOf('?');
        if (query < 0) {
            return null;
        }
        int end = uri.indexOf('#', query);
        if (end < 0) {
            end = uri.length();
        }
        String found = null;
        int start = query + 1;
        while (start <= end) {
            int separator = uri.indexOf('&', start);
            if (separator < 0 || separator > end) {
                separator = end;
            }
            if (separator - start >= 4 && uri.startsWith("key=", start)) {
                if (found != null) {
                    return AMBIGUOUS;
                }
                found = decode(uri, start + 4, separator);
            } else if (separator - start == 3 && uri.startsWith("key", start)) {
                if (found != null) {
                    return AMBIGUOUS;
                }
                found = "";
            }
            start = separator + 1;
        }
        return found;
    }

    private static String decode(String uri, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = uri.charAt(i);
            if (c == '%' || c == '+') {
                return QueryStringDecoder.decodeComponent(uri.substring(from, to), StandardCharsets.UTF_8);
            }
        }
        return uri.substring(from, to);
    }
}
