package dev.widgetedge.gateway.limit;

import dev.widgetedge.gateway.client.ClientAddress;
import dev.widgetedge.gateway.metrics.LimitKind;
import io.netty.util.NetUtil;
import java.util.UUID;

/**
 * What one limit counts: a key, a key and a client, or a client's misses. Clients count by
 * {@link ClientAddress#limitBits}: an IPv4 address, or an IPv6 address's {@code /64} network.
 *
 * @param kind      which limit
 * @param keyHigh   the key id's most significant bits ({@code 0} for a miss)
 * @param keyLow    the key id's least significant bits ({@code 0} for a miss)
 * @param client    the client's limit bits ({@code 0} for a key)
 * @param ipv6      whether {@code client} is an IPv6 network
 */
record Subject(LimitKind kind, long keyHigh, long keyLow, long client, boolean ipv6) {

    static Subject key(UUID keyId) {
        return new Subject(LimitKind.KEY, keyId.getMostSignificantBits(), keyId.getLeastSignificantBits(), 0, false);
    }

    static Subject client(UUID keyId, ClientAddress address) {
        return new Subject(LimitKind.CLIENT, keyId.getMostSignificantBits(), keyId.getLeastSignificantBits(),
                address.limitBits(), address.isIpv6());
    }

    static Subject miss(ClientAddress address) {
        return new Subject(LimitKind.MISS, 0, 0, address.limitBits(), address.isIpv6());
    }

    // Written out rather than the record's own: those go through method handles, and every
    // admission hashes and compares a subject.
    @Override
    public boolean equals(Object other) {
        return other instanceof Subject subject && client == subject.client && keyLow == subject.keyLow
                && keyHigh == subject.keyHigh && kind == subject.kind && ipv6 == subject.ipv6;
    }

    @Override
    public int hashCode() {
        long mixed = (keyHigh * 31 + keyLow) * 31 + client;
        mixed = mixed * 31 + kind.ordinal() * 2 + (ipv6 ? 1 : 0);
        return Long.hashCode(mixed * 0x9E3779B97F4A7C15L);
    }

    /**
     * The subject's name in the store, the same on every gateway: {@code k:<key id>},
     * {@code c:<key id>:<client>}, {@code m:<client>}, the client as {@code 192.0.2.1} or
     * {@code 2001:db8:1:2::/64}.
     */
    String storeName() {
        return switch (kind) {
            case KEY -> "k:" + new UUID(keyHigh, keyLow);
            case CLIENT -> "c:" + new UUID(keyHigh, keyLow) + ":" + clientText();
            case MISS -> "m:" + clientText();
        };
    }

    private String clientText() {
        if (!ipv6) {
            return NetUtil.intToIpAddress((int) client);
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (client >>> (56 - 8 * i));
        }
        return NetUtil.bytesToIpAddress(bytes) + "/64";
    }
}
