package dev.widgetedge.gateway.client;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Who sent a request, as the gateway believes it ({@link ClientAddressResolver}): the address
 * that the rate limits count by, the access log shows and the upstream is told of.
 *
 * @param address      the client's address (IPv4-mapped IPv6 addresses are IPv4)
 * @param text         {@code address} in its canonical text (RFC 5952 for IPv6)
 * @param forwardedFor the {@code X-Forwarded-For} value the upstream gets: the client, then every
 *                     trusted hop after it, the gateway's own peer last; only hops the gateway
 *                     trusts, so nothing in it is the client's own claim
 * @param https        whether the client reached the first trusted hop over HTTPS (as a trusted
 *                     peer's {@code X-Forwarded-Proto} says); the gateway itself listens on HTTP
 * @param trustedHop   whether {@code address} is itself a trusted proxy (then its
 *                     {@code X-Forwarded-*} headers are believed); only meaningful for a peer
 */
public record ClientAddress(InetAddress address, String text, String forwardedFor, boolean https, boolean trustedHop) {

    public ClientAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(forwardedFor, "forwardedFor");
    }

    /** A direct peer: its own address, told to the upstream as it is. */
    static ClientAddress peer(InetAddress address, boolean trustedHop) {
        String text = NetUtil.toAddressString(address);
        return new ClientAddress(address, text, text, false, trustedHop);
    }

    /** The listener's scheme, or the first trusted hop's: {@code http} or {@code https}. */
    public String scheme() {
        return https ? "https" : "http";
    }

    /** Whether the address is IPv6 (an IPv4-mapped one is IPv4). */
    public boolean isIpv6() {
        return !(address instanceof Inet4Address);
    }

    /**
     * What rate limits count by: an IPv4 address whole, an IPv6 address by its {@code /64}
     * network, since anyone given an IPv6 network can use every address in it. As a number: the
     * IPv4 address, or the 64 network bits (tell them apart with {@link #isIpv6}).
     */
    public long limitBits() {
        byte[] bytes = address.getAddress();
        long bits = 0;
        int length = bytes.length == 4 ? 4 : 8;
        for (int i = 0; i < length; i++) {
            bits = (bits << 8) | (bytes[i] & 0xFF);
        }
        return bits;
    }

    /**
     * What rate limits count by, as an address: the IPv4 address itself (no copy), or the IPv6
     * address's {@code /64} network (the address with its last 64 bits zero). Equal for two
     * clients exactly when their {@link #limitBits} and {@link #isIpv6} are.
     */
    public InetAddress limitAddress() {
        if (!isIpv6()) {
            return address;
        }
        byte[] network = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(network, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException impossible) {
            // Only for an array of a length other than 4 or 16.
            throw new IllegalStateException(impossible);
        }
    }
}
