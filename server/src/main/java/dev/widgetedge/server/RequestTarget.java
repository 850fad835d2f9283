package dev.widgetedge.server;

import io.netty.handler.codec.http.QueryStringDecoder;

/** The path of a request target, in origin form ({@code /a?b}) or absolute form ({@code http://h/a?b}). */
public final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * The raw (not percent-decoded) path of {@code uri}, without query or fragment. RFC 9112
     * §3.2.2: a server must accept the absolute form, which proxies and some clients send.
     */
    public static String rawPath(String uri) {
        String target = uri;
        int scheme = uri.indexOf("://");
        if (!uri.startsWith("/") && scheme > 0) {
            int pathStart = uri.indexOf('/', scheme + 3);
            target = pathStart < 0 ? "/" : uri.substring(pathStart);
        }
        return new QueryStringDecoder(target).rawPath();
    }
}
