package dev.widgetedge.gateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    private static String text(String literal) {
        return NetUtil.toAddressString(IpLiteral.parse(literal));
    }

    @Test
    void addressesWithAndWithoutPorts_areRead() {
        assertEquals("192.0.2.1", text("192.0.2.1"));
        assertEquals("192.0.2.1", text(" 192.0.2.1:8443 "));
        assertEquals("2001:db8::1", text("2001:db8::1"));
        assertEquals("2001:db8::1", text("[2001:db8::1]"));
        assertEquals("2001:db8::1", text("[2001:DB8::1]:443"));
    }

    @Test
    void ipv4MappedAddress_isReadAsIpv4() {
        assertEquals(Inet4Address.class, IpLiteral.parse("::ffff:192.0.2.1").getClass());
        assertEquals("192.0.2.1", text("::ffff:192.0.2.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "unknown", "_hidden", "example.com", "192.0.2.1:", "192.0.2.1:123456",
            "192.0.2.1:80a", "[2001:db8::1", "[2001:db8::1]80", "fe80::1%eth0", "300.0.0.1", "1.2.3", ":80",
            "2001:db8::1:80:x"})
    void anythingElse_isNotAnAddress(String entry) {
        assertNull(IpLiteral.parse(entry));
    }
}
