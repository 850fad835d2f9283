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
     * The value of the single {@code key} parameter of {@code query} (a raw query, as
     * {@link dev.widgetedge.server.RequestTarget#query()} gives it), percent-decoded; {@code null}
     * when there is none; {@link #NOT_A_KEY} when there are several (picking one could let a proxy
     * in front of the gateway act on another) or the value cannot be decoded.
     *
     * @param query the raw query, or {@code null} for a target without one
     */
    static String of(String query) {
        if (query == null) {
            return null;
        }
        int end = query.length();
        String found = null;
        int start = 0;
        while (start <= end) {
            int separator = query.indexOf('&', start);
            if (separator < 0) {
                separator = end;
            }
            if (separator - start >= 4 && query.startsWith("key=", start)) {
                if (found != null) {
                    return NOT_A_KEY;
                }
                found = decode(query, start + 4, separator);
            } else if (separator - start == 3 && query.startsWith("key", start)) {
                if (found != null) {
                    return NOT_A_KEY;
                }
                found = "";
            }
            start = separator + 1;
        }
        return found;
    }

    private static String decode(String query, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = query.charAt(i);
            if (c == '%' || c == '+') {
                try {
                    return QueryStringDecoder.decodeComponent(query.substring(from, to), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformedEscape) {
                    return NOT_A_KEY;
                }
            }
        }
        return query.substring(from, to);
    }
}
