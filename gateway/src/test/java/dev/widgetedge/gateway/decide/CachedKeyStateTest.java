package dev.widgetedge.gateway.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The entry's subscription epoch and its two flags share one int; the version is saturated. */
class CachedKeyStateTest {

    private static CachedKey entry(long version, int epoch) {
        UUID id = UUID.randomUUID();
        WidgetKey key = WidgetKey.created(id, "acct_1", "abcd1234",
                KeySettings.of("n", "agent_1", List.of("https://acme.com")), Instant.EPOCH, null);
        return CachedKey.of(id, new StoredWidgetKey(key, version), 0, epoch);
    }

    @Test
    void theFlagsDoNotDisturbTheEpoch_andRenewingKeepsDetachedButClearsRefreshing() {
        CachedKey cached = entry(7, 5);
        assertTrue(cached.claimRefresh());
        assertFalse(cached.claimRefresh(), "claimed once");
        cached.detach();
        assertEquals(5, cached.epoch());
        assertTrue(cached.isDetached());

        cached.renew(42, 6);

        assertEquals(6, cached.epoch());
        assertEquals(42, cached.checkedAtNanos());
        assertTrue(cached.isDetached(), "detached is permanent");
        assertTrue(cached.claimRefresh(), "a renewed entry may be refreshed early again");
    }

    @Test
    void largeEpochsSurviveTheFlags() {
        CachedKey cached = entry(1, (1 << 29) - 1);
        cached.detach();
        assertEquals((1 << 29) - 1, cached.epoch());
    }

    @Test
    void aVersionBeyondAnIntIsSaturated_othersAreKeptExactly() {
        assertEquals(Integer.MAX_VALUE, entry(1L << 40, 0).version());
        assertEquals(123_456_789L, entry(123_456_789L, 0).version());
    }
}
