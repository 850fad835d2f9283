package dev.widgetedge.gateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {

    private final ClientAddressResolver resolver = new ClientAddressResolver(TrustedProxies.parse("10.0.0.0/8"));

    private ClientAddress peer(String address) {
        return resolver.peer(IpLiteral.parse(address));
    }

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    @Test
    void untrustedPeer_isTheClient_whateverItsHeadersSay() {
        ClientAddress peer = peer("198.51.100.7");
        ClientAddress client = resolver.resolve(peer,
                headers("X-Forwarded-For", "203.0.113.1", "X-Forwarded-Proto", "https"));
        assertSame(peer, client);
        assertEquals("198.51.100.7", client.text());
        assertEquals("198.51.100.7", client.forwardedFor());
        assertEquals("http", client.scheme());
    }

    @Test
    void trustedPeer_rightmostUntrustedEntryIsTheClient() {
        ClientAddress client = resolver.resolve(peer("10.0.0.2"),
                headers("X-Forwarded-For", "192.0.2.66, 203.0.113.9, 10.1.1.1"));
        assertEquals("203.0.113.9", client.text());
        assertEquals("203.0.113.9, 10.1.1.1, 10.0.0.2", client.forwardedFor(),
                "the upstream hears of the client and the trusted hops, never of the client's own claim");
        assertFalse(client.trustedHop());
    }

    @Test
    void severalHeaderLines_areOneListInOrder() {
        ClientAddress client = resolver.resolve(peer("10.0.0.2"),
                headers("X-Forwarded-For", "192.0.2.66", "x-forwarded-for", "203.0.113.9, 10.1.1.1"));
        assertEquals("203.0.113.9", client.text());
    }

    @Test
    void malformedEntry_endsTheWalk_atTheLastTrustedHop() {
        ClientAddress client = resolver.resolve(peer("10.0.0.2"),
                headers("X-Forwarded-For", "203.0.113.9, unknown, 10.1.1.1"));
        assertEquals("10.1.1.1", client.text());
        assertEquals("10.1.1.1, 10.0.0.2", client.forwardedFor());
    }

    @Test
    void malformedRightmostEntry_leavesThePeerAsTheClient() {
        ClientAddress client = resolver.resolve(peer("10.0.0.2"), headers("X-Forwarded-For", "203.0.113.9, garbage"));
        assertEquals("10.0.0.2", client.text());
        assertEquals("10.0.0.2", client.forwardedFor());
    }

    @Test
    void everyEntryTrusted_theLeftmostIsTheClient() {
        ClientAddress client = resolver.resolve(peer("10.0.0.2"), headers("X-Forwarded-For", "10.9.9.9,10.1.1.1"));
        assertEquals("10.9.9.9", client.text());
    }

    @Test
    void trustedPeerWithoutHeader_isTheClient() {
        ClientAddress client = resolver.resolve(peer("10.0.0.2"), headers());
        assertEquals("10.0.0.2", client.text());
        assertEquals("http", client.scheme());
    }

    @Test
    void entriesWithPortsAndIpv6_areNormalized() {
        ClientAddress client = resolver.resolve(peer("10.0.0.2"),
                headers("X-Forwarded-For", "[2001:DB8:0::7]:51234, 10.1.1.1:80"));
        assertEquals("2001:db8::7", client.text());
        assertEquals("2001:db8::7, 10.1.1.1, 10.0.0.2", client.forwardedFor());
        assertTrue(client.isIpv6());
    }

    @Test
    void forwardedProto_isBelievedFromATrustedPeerOnly() {
        assertEquals("https", resolver.resolve(peer("10.0.0.2"), headers("X-Forwarded-Proto", "HTTPS")).scheme());
        assertEquals("https", resolver.resolve(peer("10.0.0.2"), headers("X-Forwarded-Proto", "https, http")).scheme());
        assertEquals("http", resolver.resolve(peer("10.0.0.2"), headers("X-Forwarded-Proto", "gopher")).scheme());
        assertEquals("http", resolver.resolve(peer("192.0.2.1"), headers("X-Forwarded-Proto", "https")).scheme());
    }

    @Test
    void noTrustedProxies_noPeerIsTrusted() {
        ClientAddressResolver none = new ClientAddressResolver(TrustedProxies.none());
        ClientAddress peer = none.peer(IpLiteral.parse("127.0.0.1"));
        assertFalse(peer.trustedHop());
        assertSame(peer, none.resolve(peer, headers("X-Forwarded-For", "203.0.113.1")));
    }

    @Test
    void limitBits_countIpv4WholeAndIpv6ByItsSlash64() {
        ClientAddress v4 = peer("192.0.2.1");
        assertEquals(0xC0000201L, v4.limitBits());
        assertFalse(v4.isIpv6());
        assertEquals(peer("2001:db8:1:2::1").limitBits(), peer("2001:db8:1:2:ffff::9").limitBits());
        assertTrue(peer("2001:db8:1:2::1").limitBits() != peer("2001:db8:1:3::1").limitBits());
    }

    @Test
    void limitAddress_isTheIpv4AddressItself_andTheIpv6Slash64Network() {
        ClientAddress v4 = peer("192.0.2.1");
        assertSame(v4.address(), v4.limitAddress());
        assertEquals(IpLiteral.parse("2001:db8:1:2::"), peer("2001:db8:1:2:ffff::9").limitAddress());
        assertEquals(peer("2001:db8:1:2::1").limitAddress(), peer("2001:db8:1:2:ffff::9").limitAddress());
        assertNotEquals(peer("2001:db8:1:2::1").limitAddress(), peer("2001:db8:1:3::1").limitAddress());
    }
}
