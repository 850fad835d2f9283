package dev.widgetedge.server;

/** The path of a request target, in origin form ({@code /a?b}) or absolute form ({@code http://h/a?b}). */
public final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * The raw (not percent-decoded) path of {@code uri}, without query or fragment. RFC 9112
     * §3.2.2: a server must accept the absolute form, which proxies and some clients send.
     */
    public static String rawPath(String uri) {
        int start = 0;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            if (scheme > 0) {
                start = uri.indexOf('/', scheme + 3);
                if (start < 0) {
                    return "/";
                }
            }
        }
        int end = uri.length();
        for (int i = start; i < end; i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        // The common case, a path without query, costs no copy.
        return start == 0 && end == uri.length() ? uri : uri.substring(start, end);
    }
}
