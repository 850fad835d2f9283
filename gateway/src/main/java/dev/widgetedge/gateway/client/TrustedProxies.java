package dev.widgetedge.gateway.client;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The networks whose peers are believed when they say, in {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto}, whom and how they forward for: the load balancers and proxies in
 * front of the gateway ({@code --trusted-proxies}). Empty by default: then no request header
 * can change a request's client address.
 *
 * <p>Immutable and thread-safe.
 */
public final class TrustedProxies {

    /** What {@code --trusted-proxies} expects, for messages. */
    public static final String EXPECTED = "comma-separated CIDRs such as 10.0.0.0/8,2001:db8::/32";

    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Cidr> networks;

    private TrustedProxies(List<Cidr> networks) {
        this.networks = List.copyOf(networks);
    }

    /** No trusted proxy: every request's client address is its peer's. */
    public static TrustedProxies none() {
        return NONE;
    }

    /** This machine's own addresses, {@code 127.0.0.0/8} and {@code ::1/128}: {@code dev}'s default. */
    public static TrustedProxies loopback() {
        return parse("127.0.0.0/8,::1/128");
    }

    /**
     * Parses a comma-separated list of networks in CIDR notation (a bare address is a network of
     * one); spaces around entries and empty entries are ignored, duplicates dropped.
     *
     * @throws IllegalArgumentException naming the first entry that is not a network and why
     */
    public static TrustedProxies parse(String list) {
        Set<Cidr> networks = new LinkedHashSet<>();
        for (String entry : list.split(",", -1)) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                networks.add(Cidr.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(entry.strip() + ": " + e.getMessage(), e);
            }
        }
        return networks.isEmpty() ? NONE : new TrustedProxies(new ArrayList<>(networks));
    }

    /** Whether no network is trusted. */
    public boolean isEmpty() {
        return networks.isEmpty();
    }

    /** Whether {@code address} is in one of the trusted networks. */
    public boolean contains(InetAddress address) {
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustedProxies trusted && trusted.networks.equals(networks);
    }

    @Override
    public int hashCode() {
        return networks.hashCode();
    }

    /** The canonical list, as {@link #parse} reads it; empty when none is trusted. */
    @Override
    public String toString() {
        StringJoiner joined = new StringJoiner(",");
        networks.forEach(network -> joined.add(network.toString()));
        return joined.toString();
    }
}
