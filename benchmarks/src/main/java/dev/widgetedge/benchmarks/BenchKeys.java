package dev.widgetedge.benchmarks;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Keys and allowlists shared by the benchmarks. */
final class BenchKeys {

    static final String ACCOUNT = "acct_bench";

    /** A typical small allowlist: an exact origin, a wildcard, a local development origin. */
    static final List<String> SMALL_ALLOWLIST = List.of("https://acme.com", "https://*.acme.com", "http://localhost:8000");

    private BenchKeys() {
    }

    /** 100 exact origins, {@code https://site000.example} … {@code https://site099.example}. */
    static List<String> exactAllowlist100() {
        List<String> entries = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) {
            entries.add(String.format("https://site%03d.example", i));
        }
        return entries;
    }

    /** 99 exact origins, then the wildcard {@code https://*.acme.com} as the 100th entry. */
    static List<String> wildcardLastAllowlist100() {
        List<String> entries = new ArrayList<>(exactAllowlist100().subList(0, 99));
        entries.add("https://*.acme.com");
        return entries;
    }

    /** {@code key} with its last (checksum) digit changed: right shape, wrong checksum. */
    static String withBadChecksum(String key) {
        char last = key.charAt(key.length() - 1);
        String bad = key.substring(0, key.length() - 1) + (last == '0' ? '1' : '0');
        if (WidgetKeyFormat.isWellFormed(bad)) {
            throw new IllegalStateException("the altered key still passes the checksum");
        }
        return bad;
    }

    /** Mints a key with {@code allowlist}, stores it the way the admin API does, and returns its plaintext. */
    static String insert(WidgetKeyStore store, List<String> allowlist) {
        String plaintext = WidgetKeyFormat.mint();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        WidgetKey key = WidgetKey.created(KeyDigest.keyId(plaintext), ACCOUNT, WidgetKeyFormat.last8(plaintext),
                KeySettings.of("benchmark", "agent_1", allowlist), now, null);
        if (!store.insert(key, KeyDigest.sha256Hex(plaintext), now, null).toCompletableFuture().join()) {
            throw new IllegalStateException("key id collision");
        }
        return plaintext;
    }
}
