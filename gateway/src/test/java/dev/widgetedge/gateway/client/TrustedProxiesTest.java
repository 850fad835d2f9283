package dev.widgetedge.gateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private static InetAddress ip(String literal) {
        return IpLiteral.parse(literal);
    }

    @Test
    void ipv4Network_containsItsAddressesOnly() {
        TrustedProxies trusted = TrustedProxies.parse("10.0.0.0/8");
        assertTrue(trusted.contains(ip("10.0.0.1")));
        assertTrue(trusted.contains(ip("10.255.255.255")));
        assertFalse(trusted.contains(ip("11.0.0.0")));
        assertFalse(trusted.contains(ip("9.255.255.255")));
    }

    @Test
    void prefixNotOnAByteBoundary_comparesTheBitsInside() {
        TrustedProxies trusted = TrustedProxies.parse("192.168.4.0/22");
        assertTrue(trusted.contains(ip("192.168.7.254")));
        assertFalse(trusted.contains(ip("192.168.8.1")));
        assertFalse(trusted.contains(ip("192.168.3.255")));
    }

    @Test
    void ipv6Network_containsItsAddresses_andNeverAnIpv4One() {
        TrustedProxies trusted = TrustedProxies.parse("2001:db8::/32");
        assertTrue(trusted.contains(ip("2001:db8:ffff::1")));
        assertFalse(trusted.contains(ip("2001:db9::1")));
        assertFalse(trusted.contains(ip("32.1.13.184")));
    }

    @Test
    void bareAddress_isANetworkOfOne() {
        TrustedProxies trusted = TrustedProxies.parse("203.0.113.7, ::1");
        assertTrue(trusted.contains(ip("203.0.113.7")));
        assertFalse(trusted.contains(ip("203.0.113.8")));
        assertTrue(trusted.contains(ip("::1")));
        assertEquals("203.0.113.7/32,::1/128", trusted.toString());
    }

    @Test
    void ipv4MappedAddress_matchesTheIpv4Network() {
        assertTrue(TrustedProxies.parse("127.0.0.0/8").contains(ip("::ffff:127.0.0.1")));
    }

    @Test
    void loopback_isDevsDefault() {
        TrustedProxies loopback = TrustedProxies.loopback();
        assertTrue(loopback.contains(ip("127.1.2.3")));
        assertTrue(loopback.contains(ip("::1")));
        assertFalse(loopback.contains(ip("192.0.2.1")));
    }

    @Test
    void emptyList_trustsNoOne() {
        assertTrue(TrustedProxies.parse(" , ").isEmpty());
        assertFalse(TrustedProxies.none().contains(ip("127.0.0.1")));
    }

    @Test
    void badEntries_areRefusedWithTheEntryAndTheReason() {
        assertEquals("10.0.0.1/8: bits set after the /8 prefix",
                assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.1/8")).getMessage());
        assertEquals("10.0.0.0/33: prefix length above 32",
                assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33")).getMessage());
        assertEquals("proxy.internal: not an IP address or CIDR",
                assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("proxy.internal")).getMessage());
        assertEquals("10.0.0.0/x: not a prefix length",
                assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/x")).getMessage());
        assertEquals("::ffff:10.0.0.0/104: an IPv4-mapped IPv6 network; write the IPv4 network",
                assertThrows(IllegalArgumentException.class,
                        () -> TrustedProxies.parse("::ffff:10.0.0.0/104")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("fe80::1%eth0"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/-1"));
    }

    @Test
    void duplicates_areDropped_andEqualListsAreEqual() {
        assertEquals(TrustedProxies.parse("10.0.0.0/8"), TrustedProxies.parse("10.0.0.0/8,10.0.0.0/8"));
        assertEquals("10.0.0.0/8", TrustedProxies.parse("10.0.0.0/8, 10.0.0.0/8").toString());
    }
}
