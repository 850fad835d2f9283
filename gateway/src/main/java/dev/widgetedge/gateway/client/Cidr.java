package dev.widgetedge.gateway.client;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare
 * address is the network of that address alone ({@code /32} or {@code /128}).
 *
 * <p>Immutable and thread-safe.
 */
final class Cidr {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = NetUtil.bytesToIpAddress(network) + "/" + prefixLength;
    }

    /**
     * Parses one network.
     *
     * @throws IllegalArgumentException saying what is wrong: not an address, a prefix out of range,
     *         bits set after the prefix (a typo that would silently trust another network), or an
     *         IPv4-mapped IPv6 network (write the IPv4 network instead)
     */
    static Cidr parse(String value) {
        String text = value.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = address.indexOf('%') >= 0 ? null : NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null || address.startsWith("[")) {
            throw new IllegalArgumentException("not an IP address or CIDR");
        }
        if (bytes.length == 16 && IpLiteral.of(bytes) instanceof Inet4Address) {
            throw new IllegalArgumentException("an IPv4-mapped IPv6 network; write the IPv4 network");
        }
        int bits = bytes.length * 8;
        int prefix = slash < 0 ? bits : prefixLength(text.substring(slash + 1), bits);
        if (!hostBitsZero(bytes, prefix)) {
            throw new IllegalArgumentException("bits set after the /" + prefix + " prefix");
        }
        return new Cidr(bytes, prefix);
    }

    private static int prefixLength(String digits, int bits) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a prefix length");
        }
        int prefix = Integer.parseInt(digits);
        if (prefix > bits) {
            throw new IllegalArgumentException("prefix length above " + bits);
        }
        return prefix;
    }

    private static boolean hostBitsZero(byte[] bytes, int prefix) {
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            if ((bytes[bit >>> 3] & (0x80 >>> (bit & 7))) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code address} is in this network; an address of the other family never is. */
    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int whole = prefixLength >>> 3;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF00 >>> rest) & 0xFF;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && cidr.prefixLength == prefixLength && Arrays.equals(cidr.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** The canonical form: {@code 10.0.0.0/8}, {@code 2001:db8::/32}. */
    @Override
    public String toString() {
        return text;
    }
}
