package dev.widgetedge.gateway.pipeline;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/** Finds the {@code key} query parameter without building a parameter map (hot path). */
final class KeyParameter {

    /**
     * What {@link #of} returns when the query names {@code key} more than once or its value has a
     * malformed percent-escape: not of the key format, so the request is refused as
     * {@code invalid_key} without a lookup.
     */
    static final String NOT_A_KEY = "(not a single well-formed key parameter)";

    private KeyParameter() {
    }

    /**
     * The value of the single {@code key} parameter of {@code uri}, percent-decoded; {@code null}
     * when there is none; {@link #NOT_A_KEY} when there are several (picking one could let a proxy
     * in front of the gateway act on another) or the value cannot be decoded.
     */
    static String of(String uri) {
        int fragment = uri.indexOf('#');
        int end = fragment < 0 ? uri.length() : fragment;
        int query = uri.indexOf('?');
        if (query < 0 || query > end) {
            return null;
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
                    return NOT_A_KEY;
                }
                found = decode(uri, start + 4, separator);
            } else if (separator - start == 3 && uri.startsWith("key", start)) {
                if (found != null) {
                    return NOT_A_KEY;
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
                try {
                    return QueryStringDecoder.decodeComponent(uri.substring(from, to), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformedEscape) {
                    return NOT_A_KEY;
                }
            }
        }
        return uri.substring(from, to);
    }
}
