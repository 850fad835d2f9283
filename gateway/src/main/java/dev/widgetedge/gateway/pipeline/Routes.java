package dev.widgetedge.gateway.pipeline;

import io.netty.handler.codec.http.HttpMethod;

/** Classifies a request into a {@link GatewayRoute} by method and raw path. */
final class Routes {

    static final String SCRIPT_PATH = "/v1/widget.js";
    static final String WIDGET_PREFIX = "/v1/widget/";
    static final String BOOTSTRAP_PATH = "/v1/widget/bootstrap";

    private Routes() {
    }

    /**
     * The route of a request, from its method and raw path ({@link dev.widgetedge.server.RequestTarget#path()}).
     * Anything under {@code /v1/widget/} that is not a {@link #isPlainPath plain path} is
     * {@link GatewayRoute#NOT_FOUND}: an upstream might resolve it to a path outside
     * {@code /v1/widget/}, which the allowlist check was never meant to cover. So are
     * {@code CONNECT} (a tunnel through the upstream) and {@code TRACE} (the upstream would echo
     * the request): neither is part of a widget API.
     */
    static GatewayRoute classify(HttpMethod method, String rawPath) {
        if (rawPath.equals(SCRIPT_PATH)) {
            return GatewayRoute.SCRIPT;
        }
        if (!rawPath.startsWith(WIDGET_PREFIX) || !isPlainPath(rawPath)
                || method.equals(HttpMethod.CONNECT) || method.equals(HttpMethod.TRACE)) {
            return GatewayRoute.NOT_FOUND;
        }
        if (method.equals(HttpMethod.OPTIONS)) {
            return GatewayRoute.PREFLIGHT;
        }
        if (rawPath.equals(BOOTSTRAP_PATH) && (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD))) {
            return GatewayRoute.BOOTSTRAP;
        }
        return GatewayRoute.PROXY;
    }

    /**
     * Whether every upstream reads {@code rawPath} as the same path, whatever it normalizes, in the
     * manner of Spring Security's {@code StrictHttpFirewall}: no {@code .} or {@code ..} segment, no
     * empty segment ({@code //}, which some servers merge), no backslash, no {@code ;} (servlet
     * containers strip {@code ;parameters}, so {@code ..;x} would be {@code ..}), and every
     * percent-escape well-formed and decoding to printable ASCII or a space other than
     * {@code . / \ % ;} (so no encoded dot-segment, separator, double encoding, control character,
     * or overlong UTF-8 form that a lenient decoder reads as a dot). The raw path is printable
     * ASCII already ({@link dev.widgetedge.server.RequestTarget}).
     */
    static boolean isPlainPath(String rawPath) {
        int length = rawPath.length();
        for (int i = 0; i < length; i++) {
            char c = rawPath.charAt(i);
            if (c == '\\' || c == ';') {
                return false;
            }
            if (c == '%' && !isPlainEscape(rawPath, i)) {
                return false;
            }
            if (c == '/' && i + 1 < length && (rawPath.charAt(i + 1) == '/' || isDotSegment(rawPath, i + 1))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the segment starting at {@code start} is {@code .} or {@code ..}. */
    private static boolean isDotSegment(String rawPath, int start) {
        int end = start;
        while (end < rawPath.length() && end - start < 2 && rawPath.charAt(end) == '.') {
            end++;
        }
        return end > start && (end == rawPath.length() || rawPath.charAt(end) == '/');
    }

    private static boolean isPlainEscape(String rawPath, int at) {
        if (at + 2 >= rawPath.length()) {
            return false;
        }
        int high = Character.digit(rawPath.charAt(at + 1), 16);
        int low = Character.digit(rawPath.charAt(at + 2), 16);
        if (high < 0 || low < 0) {
            return false;
        }
        int decoded = high * 16 + low;
        return decoded >= 0x20 && decoded <= 0x7E && "./\\%;".indexOf(decoded) < 0;
    }
}
