package dev.widgetedge.server;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request target, parsed once (RFC 9112 §3.2): the one reading of it that routing, the proxy's
 * rewrite and the access log all use, so that no two of them can disagree on where the path is.
 *
 * <p>Accepted forms: the origin form ({@code /path?query}), the absolute form
 * ({@code http://host[:port]/path?query}, which proxies and some clients send; its path may be
 * empty, which means {@code /}), and the asterisk form ({@code *}, whose path is {@code *}). Refused
 * with {@code 400}: a fragment ({@code #}, which a client never sends), a character that is not
 * printable ASCII, an absolute form of another scheme or with user information or an invalid
 * authority, and every other form (authority form, relative paths).
 *
 * <p>Nothing is percent-decoded: the path is the raw one, and what counts as a safe path is for
 * each router to say.
 */
public final class RequestTarget {

    private static final String ASTERISK = "*";

    private final String text;
    private final int pathStart;
    private final int queryStart;
    private final String authority;

    private RequestTarget(String text, int pathStart, int queryStart, String authority) {
        this.text = text;
        this.pathStart = pathStart;
        this.queryStart = queryStart;
        this.authority = authority;
    }

    /**
     * Parses a request line's target.
     *
     * @throws RefusedRequestException {@code 400}, naming what is wrong with it
     */
    public static RequestTarget parse(String target) {
        int length = target.length();
        for (int i = 0; i < length; i++) {
            char c = target.charAt(i);
            if (c == '#') {
                throw invalid("a fragment (#) is not allowed");
            }
            if (c <= ' ' || c >= 0x7F) {
                throw invalid("only printable ASCII is allowed");
            }
        }
        if (target.startsWith("/")) {
            return new RequestTarget(target, 0, target.indexOf('?'), null);
        }
        if (target.equals(ASTERISK)) {
            return new RequestTarget(target, 0, -1, null);
        }
        int schemeEnd = target.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid("expected a path starting with / or an absolute http URI");
        }
        String scheme = target.substring(0, schemeEnd);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            throw invalid("the scheme must be http or https");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < length && target.charAt(authorityEnd) != '/' && target.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = target.substring(authorityStart, authorityEnd);
        if (authority.indexOf('@') >= 0) {
            throw invalid("user information is not allowed");
        }
        if (!Authority.isValid(authority)) {
            throw invalid("the authority must be host[:port]");
        }
        return new RequestTarget(target, authorityEnd, target.indexOf('?', authorityEnd), authority);
    }

    /**
     * The raw path, not percent-decoded: {@code /} for an absolute form without one, {@code *} for
     * the asterisk form.
     */
    public String path() {
        int end = queryStart < 0 ? text.length() : queryStart;
        if (pathStart == end) {
            return "/";
        }
        // The common case, a path without query, costs no copy.
        return pathStart == 0 && end == text.length() ? text : text.substring(pathStart, end);
    }

    /** The raw query (after {@code ?}, possibly empty), or {@code null} when there is none. */
    public String query() {
        return queryStart < 0 ? null : text.substring(queryStart + 1);
    }

    /** The target as the request line has it. */
    public String text() {
        return text;
    }

    /**
     * Where the query starts in {@link #text()}: the index of its {@code ?}, or {@code -1}. For
     * scanning the query on the hot path without copying it.
     */
    public int queryStart() {
        return queryStart;
    }

    /** The origin form, {@code path[?query]}, as an upstream must receive it. */
    public String originForm() {
        if (pathStart == 0) {
            return text;
        }
        String query = queryStart < 0 ? "" : text.substring(queryStart);
        return path() + query;
    }

    /**
     * The {@code host[:port]} of an absolute form, or {@code null}: with one, the server must use
     * it rather than the {@code Host} header (RFC 9112 §3.2.2).
     */
    public String authority() {
        return authority;
    }

    private static RefusedRequestException invalid(String detail) {
        return new RefusedRequestException(HttpResponseStatus.BAD_REQUEST, "Invalid request target: " + detail);
    }
}
