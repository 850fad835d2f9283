package dev.widgetedge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.RateLimits;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The key record's hash fields: what is written, and how older or damaged records read. */
class RedisLayoutTest {

    private static final Instant T0 = Instant.parse("2026-11-24T05:51:00.123Z");

    private static WidgetKey key(RateLimits limits) {
        return WidgetKey.created(UUID.randomUUID(), "acct_123", "x3Kq9ZpA",
                KeySettings.of("n", null, List.of("https://acme.com")).withRateLimits(limits), T0, null);
    }

    @Test
    void rateLimits_roundTrip_ownOrDefault() {
        for (RateLimits limits : List.of(RateLimits.DEFAULTS, new RateLimits(120, null), new RateLimits(1, 1_000_000))) {
            WidgetKey key = key(limits);
            Map<String, String> hash = RedisLayout.newRecord(key, "digest");

            assertThat(RedisLayout.readRecord(hash).key()).isEqualTo(key);
        }
        Map<String, String> defaults = RedisLayout.newRecord(key(RateLimits.DEFAULTS), "digest");
        assertThat(defaults).containsEntry("rate_limit_client", "").containsEntry("rate_limit_key", "");
    }

    @Test
    void aRecordWrittenBeforeTheRateLimits_readsAsTheGatewayDefaults() {
        Map<String, String> hash = new HashMap<>(RedisLayout.newRecord(key(new RateLimits(5, 6)), "digest"));
        hash.remove("rate_limit_client");
        hash.remove("rate_limit_key");

        assertThat(RedisLayout.readRecord(hash).key().rateLimits()).isEqualTo(RateLimits.DEFAULTS);
    }

    @Test
    void aDamagedRateLimit_isAStoreError_namingIt() {
        for (String damaged : List.of("0", "1000001", "ten", "1.5")) {
            Map<String, String> hash = new HashMap<>(RedisLayout.newRecord(key(RateLimits.DEFAULTS), "digest"));
            hash.put("rate_limit_key", damaged);

            assertThatThrownBy(() -> RedisLayout.readRecord(hash))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("corrupt rate limit in Redis record");
        }
    }
}
