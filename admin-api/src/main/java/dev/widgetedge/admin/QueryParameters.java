package dev.widgetedge.admin;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The query parameters of one request, read strictly: a parameter given twice, a value that is
 * not what the parameter takes, or a malformed percent-escape is {@code 400 Invalid query: …}
 * naming the parameter. Parameters a call does not take are ignored, as unknown body fields are.
 */
final class QueryParameters {

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    /** The parameters of a request target ({@code /path?a=1&b=2}). */
    static QueryParameters of(String uri) {
        try {
            return new QueryParameters(new QueryStringDecoder(uri, StandardCharsets.UTF_8).parameters());
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidQuery("malformed percent-escape");
        }
    }

    /** The parameter's one value, or {@code null} when it is absent. */
    String single(String name) {
        List<String> given = values.get(name);
        if (given == null) {
            return null;
        }
        if (given.size() > 1) {
            throw ApiError.invalidQuery(name + " given " + given.size() + " times");
        }
        return given.get(0);
    }

    /** An integer parameter within {@code [min, max]}, or {@code fallback} when it is absent. */
    int integer(String name, int min, int max, int fallback) {
        String value = single(name);
        if (value == null) {
            return fallback;
        }
        int parsed;
        try {
            parsed = isDigits(value) ? Integer.parseInt(value) : -1;
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        if (parsed < min || parsed > max) {
            throw ApiError.invalidQuery(name + " must be an integer " + min + "-" + max);
        }
        return parsed;
    }

    private static boolean isDigits(String value) {
        if (value.isEmpty() || value.length() > 9) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
