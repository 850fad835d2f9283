package dev.widgetedge.gateway.client;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Decides a request's {@link ClientAddress} from its connection's peer (the TCP peer, or the
 * source a PROXY protocol header names) and, when that peer is a trusted proxy, its
 * {@code X-Forwarded-For} and {@code X-Forwarded-Proto} headers:
 *
 * <ul>
 *   <li>a peer that is not trusted is the client, whatever the request says;</li>
 *   <li>behind a trusted peer, {@code X-Forwarded-For} is read from the right (several header
 *       lines are one list, in order): every trusted entry is a hop, the first untrusted one is
 *       the client. An entry that is not an IP address (with or without a port) ends the walk:
 *       the last trusted hop is then the client, as it is when every entry is trusted;</li>
 *   <li>{@code X-Forwarded-Proto} is believed from a trusted peer only, and only {@code http}
 *       or {@code https} (the first of a list); otherwise the scheme is the gateway's own,
 *       {@code http}.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe; a request whose peer is not trusted costs no header read.
 */
public final class ClientAddressResolver {

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");

    private final TrustedProxies trusted;

    public ClientAddressResolver(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    /** A connection's peer, once per connection: whether it is trusted is decided here. */
    public ClientAddress peer(InetAddress address) {
        InetAddress normalized = address.getAddress().length == 16 ? IpLiteral.of(address.getAddress()) : address;
        return ClientAddress.peer(normalized, !trusted.isEmpty() && trusted.contains(normalized));
    }

    /** The client of one request that arrived from {@code peer} (from {@link #peer}) with {@code headers}. */
    public ClientAddress resolve(ClientAddress peer, HttpHeaders headers) {
        if (!peer.trustedHop()) {
            return peer;
        }
        List<String> entries = forwardedFor(headers);
        InetAddress client = peer.address();
        String clientText = peer.text();
        int chainStart = entries.size();
        List<String> hops = new ArrayList<>(entries.size());
        for (int i = entries.size() - 1; i >= 0; i--) {
            InetAddress entry = IpLiteral.parse(entries.get(i));
            if (entry == null) {
                break;
            }
            client = entry;
            clientText = NetUtil.toAddressString(entry);
            hops.add(clientText);
            chainStart = i;
            if (!trusted.contains(entry)) {
                break;
            }
        }
        String forwarded = chainStart == entries.size() ? peer.text() : chain(hops, peer.text());
        return new ClientAddress(client, clientText, forwarded, isHttps(headers), false);
    }

    /** Every {@code X-Forwarded-For} entry, left to right across all its header lines. */
    private static List<String> forwardedFor(HttpHeaders headers) {
        List<String> lines = headers.getAll(X_FORWARDED_FOR);
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        for (String line : lines) {
            for (String entry : line.split(",", -1)) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** {@code hops} were collected right to left; the upstream reads them left to right, then the peer. */
    private static String chain(List<String> hops, String peer) {
        StringJoiner joined = new StringJoiner(", ");
        for (int i = hops.size() - 1; i >= 0; i--) {
            joined.add(hops.get(i));
        }
        return joined.add(peer).toString();
    }

    private static boolean isHttps(HttpHeaders headers) {
        String proto = headers.get(X_FORWARDED_PROTO);
        if (proto == null) {
            return false;
        }
        int comma = proto.indexOf(',');
        String first = (comma < 0 ? proto : proto.substring(0, comma)).strip();
        return first.equalsIgnoreCase("https");
    }
}
