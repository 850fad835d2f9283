package dev.widgetedge.gateway.proxy;

import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.server.RequestTarget;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How the proxy rewrites message heads on their way through (docs/gateway.md, "Proxying"): hop-by-hop
 * headers go in both directions, the upstream request gets the caller's identity and the
 * {@code X-Forwarded-*} headers (from the client address, never from what the client sent), and
 * the body framing is chosen anew for each hop.
 *
 * <p>Pure functions on the given message; they mutate it in place so that no header set is copied
 * on the request path.
 */
final class ProxyHeaders {

    private static final AsciiString X_WIDGET_KEY_ID = AsciiString.cached("x-widget-key-id");
    private static final AsciiString X_WIDGET_ACCOUNT_ID = AsciiString.cached("x-widget-account-id");
    private static final AsciiString X_WIDGET_AGENT_ID = AsciiString.cached("x-widget-agent-id");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final String WIDGET_PREFIX = "x-widget-";
    private static final String FORWARDED_PREFIX = "x-forwarded-";
    /** Address and path claims that upstream frameworks honour (Spring, Symfony, IIS, nginx setups). */
    private static final String[] CLAIMED_NAMES = {
        "forwarded", "x-real-ip", "x-client-ip", "true-client-ip", "x-original-url", "x-rewrite-url",
    };

    /** RFC 9110 §7.6.1, plus the de-facto {@code Proxy-Connection} and {@code Keep-Alive}. */
    private static final AsciiString[] HOP_BY_HOP = {
        HttpHeaderNames.CONNECTION,
        KEEP_ALIVE,
        PROXY_CONNECTION,
        HttpHeaderNames.TE,
        HttpHeaderNames.TRAILER,
        HttpHeaderNames.TRANSFER_ENCODING,
        HttpHeaderNames.UPGRADE,
        HttpHeaderNames.PROXY_AUTHORIZATION,
        HttpHeaderNames.PROXY_AUTHENTICATE,
    };

    private ProxyHeaders() {
    }

    /**
     * Turns a client's request head into the upstream's: origin-form target, HTTP/1.1, the
     * upstream's {@code Host}, no hop-by-hop header and none that {@link #removeClientClaims}
     * removes, then the identity and {@code X-Forwarded-*} headers.
     *
     * @param target       the request's target as the router parsed it: the upstream gets its origin
     *                     form, so it sees the path the route was chosen by
     * @param forwardedFor the {@code X-Forwarded-For} value: the client address and the trusted hops
     *                     after it ({@code ClientAddress#forwardedFor})
     * @param scheme       the {@code X-Forwarded-Proto} value, {@code http} or {@code https}
     */
    static void prepareRequest(HttpRequest request, RequestTarget target, Decision.Allowed allowed,
            String forwardedFor, String scheme, AsciiString upstreamAuthority) {
        HttpHeaders headers = request.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        // An absolute-form target's authority overrides Host (RFC 9112 §3.2.2).
        String clientHost = target.authority() != null ? target.authority() : headers.get(HttpHeaderNames.HOST);

        removeHopByHop(headers);
        // The gateway does not relay interim responses, so the client's expectation of one
        // cannot be passed on; the body is streamed once the client sends it.
        headers.remove(HttpHeaderNames.EXPECT);
        // Before the identity is set: nothing a client sends may pose as one.
        removeClientClaims(headers);

        headers.set(X_WIDGET_KEY_ID, allowed.keyId().toString());
        headers.set(X_WIDGET_ACCOUNT_ID, allowed.accountId());
        if (allowed.agentId() != null) {
            headers.set(X_WIDGET_AGENT_ID, allowed.agentId());
        }
        headers.set(X_FORWARDED_FOR, forwardedFor);
        headers.set(X_FORWARDED_PROTO, scheme);
        if (clientHost != null) {
            headers.set(X_FORWARDED_HOST, clientHost);
        }
        headers.set(HttpHeaderNames.HOST, upstreamAuthority);
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.setUri(target.originForm());
    }

    /**
     * Removes the client's request trailers: they reach an upstream after the request head was
     * acted on, so no check of headers covers them, and nothing a widget sends needs them.
     */
    static void dropTrailers(LastHttpContent last) {
        if (!last.trailingHeaders().isEmpty()) {
            last.trailingHeaders().clear();
        }
    }

    /**
     * Turns the upstream's response head into the client's: HTTP/1.1, no hop-by-hop header, and
     * chunked framing when the upstream's body has no declared length and the client can take it.
     * An HTTP/1.0 client gets an unframed body instead, ended by closing the connection.
     */
    static void prepareResponse(HttpResponse response, HttpVersion clientVersion) {
        HttpHeaders headers = response.headers();
        removeHopByHop(headers);
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && mayHaveBody(response)
                && clientVersion.compareTo(HttpVersion.HTTP_1_1) >= 0) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /**
     * Removes the hop-by-hop headers, including every header that {@code Connection} names, except
     * {@code Content-Length}: the body that follows is framed by it, and forwarding that body
     * without its length would let it be read as the next request on the upstream connection.
     */
    static void removeHopByHop(HttpHeaders headers) {
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String name : connection.split(",")) {
                String trimmed = name.trim();
                if (!trimmed.isEmpty() && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(trimmed)) {
                    headers.remove(trimmed);
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }

    /**
     * Removes every header by which a client could claim an identity, an address or a path the
     * upstream would believe: names starting with {@code X-Widget-} or {@code X-Forwarded-}
     * ({@code X-Forwarded-For} too: the gateway sets it from what trusted hops vouched for), and {@code Forwarded},
     * {@code X-Real-IP}, {@code X-Client-IP}, {@code True-Client-IP}, {@code X-Original-URL} and
     * {@code X-Rewrite-URL}. Names are compared in any case and with {@code _} read as {@code -},
     * as CGI, WSGI, PHP and Rack upstreams read them ({@code X_Widget_Key_Id} is
     * {@code HTTP_X_WIDGET_KEY_ID} to them), so {@code X_Forwarded_For} goes too.
     */
    static void removeClientClaims(HttpHeaders headers) {
        List<CharSequence> found = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            CharSequence name = entries.next().getKey();
            if (isClientClaim(name)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(name);
            }
        }
        if (found != null) {
            found.forEach(headers::remove);
        }
    }

    private static boolean isClientClaim(CharSequence name) {
        if (startsWithName(name, WIDGET_PREFIX) || startsWithName(name, FORWARDED_PREFIX)) {
            return true;
        }
        for (String claim : CLAIMED_NAMES) {
            if (name.length() == claim.length() && startsWithName(name, claim)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} starts with {@code prefix} (lowercase, with dashes), {@code _} read as {@code -}. */
    private static boolean startsWithName(CharSequence name, String prefix) {
        if (name.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = name.charAt(i);
            char folded = c == '_' ? '-' : AsciiString.toLowerCase(c);
            if (folded != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean mayHaveBody(HttpResponse response) {
        int code = response.status().code();
        return response.status().codeClass() != HttpStatusClass.INFORMATIONAL && code != 204 && code != 304;
    }
}
