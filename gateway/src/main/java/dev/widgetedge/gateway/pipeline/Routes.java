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
     * The route of a request. A path with dot-segments, encoded slashes, dots or backslashes is
     * {@link GatewayRoute#NOT_FOUND}: the upstream might resolve it to a path outside
     * {@code /v1/widget/}, which the allowlist check was never meant to cover.
     */
    static GatewayRoute classify(HttpMethod method, String rawPath) {
        if (rawPath.equals(SCRIPT_PATH)) {
            return GatewayRoute.SCRIPT;
        }
        if (!rawPath.startsWith(WIDGET_PREFIX) || !isPlainPath(rawPath)) {
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
     * No {@code .} or {@code ..} segment (also with {@code ;parameters}), no backslash, no
     * percent-encoded {@code . / \}.
     */
    static boolean isPlainPath(String rawPath) {
        int length = rawPath.length();
        for (int i = 0; i < length; i++) {
            char c = rawPath.charAt(i);
            if (c == '\\') {
                return false;
            }
            if (c == '%' && i + 2 < length) {
                char high = rawPath.charAt(i + 1);
                char low = Character.toLowerCase(rawPath.charAt(i + 2));
                boolean encodedDot = high == '2' && low == 'e';
                boolean encodedSlash = (high == '2' && low == 'f') || (high == '5' && low == 'c');
                if (encodedDot || encodedSlash) {
                    return false;
                }
            }
            if (c == '/' && i + 1 < length && rawPath.charAt(i + 1) == '.') {
                int end = i + 2;
                if (end < length && rawPath.charAt(end) == '.') {
                    end++;
                }
                // ";" ends a segment for servlet upstreams, which resolve "..;x" as "..".
                if (end == length || rawPath.charAt(end) == '/' || rawPath.charAt(end) == ';') {
                    return false;
                }
            }
        }
        return true;
    }
}
