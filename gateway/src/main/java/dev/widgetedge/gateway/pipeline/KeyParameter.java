package dev.widgetedge.gateway.pipeline;

import dev.widgetedge.server.RequestTarget;
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
     * The value of the single {@code key} parameter of {@code target}'s query, percent-decoded;
     * {@code null} when there is none; {@link #NOT_A_KEY} when there are several (picking one could
     * let a proxy in front of the gateway act on another) or the value cannot be decoded.
     */
    static String of(RequestTarget target) {
        return target.queryStart() < 0 ? null : of(target.text(), target.queryStart() + 1);
    }

    /** The key parameter of the raw query that starts at {@code start} in {@code text}. */
    private static String of(String text, int start) {
        int end = text.length();
        String found = null;
        int from = start;
        while (from <= end) {
            int separator = text.indexOf('&', from);
            if (separator < 0) {
                separator = end;
            }
            if (separator - from >= 4 && text.startsWith("key=", from)) {
                if (found != null) {
                    return NOT_A_KEY;
                }
                found = decode(text, from + 4, separator);
            } else if (separator - from == 3 && text.startsWith("key", from)) {
                if (found != null) {
                    return NOT_A_KEY;
                }
                found = "";
            }
            from = separator + 1;
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
