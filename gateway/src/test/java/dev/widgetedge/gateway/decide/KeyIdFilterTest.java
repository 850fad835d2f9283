package dev.widgetedge.gateway.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The existence filter's Bloom filter: no false negatives, the false-positive bound, its size. */
class KeyIdFilterTest {

    private static final int CAPACITY = 100_000;

    /** Ids shaped like key ids (version 8 UUIDs over random bits), from a fixed seed. */
    private static List<UUID> ids(Random random, int count) {
        List<UUID> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long msb = (random.nextLong() & ~0xF000L) | 0x8000L;
            long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            ids.add(new UUID(msb, lsb));
        }
        return ids;
    }

    @Test
    void everyAddedId_mightBeContained() {
        KeyIdFilter filter = KeyIdFilter.withCapacity(CAPACITY);
        List<UUID> added = ids(new Random(1), CAPACITY);
        added.forEach(filter::add);

        assertThat(added).allMatch(filter::mightContain);
    }

    @Test
    void atCapacity_atMostOnePercentOfOtherIdsMightBeContained() {
        KeyIdFilter filter = KeyIdFilter.withCapacity(CAPACITY);
        Random random = new Random(2);
        ids(random, CAPACITY).forEach(filter::add);

        List<UUID> others = ids(random, 200_000);
        long falsePositives = others.stream().filter(filter::mightContain).count();

        assertThat(falsePositives / (double) others.size()).isLessThanOrEqualTo(KeyIdFilter.FALSE_POSITIVE_RATE);
    }

    @Test
    void anEmptyFilter_containsNothing() {
        KeyIdFilter filter = KeyIdFilter.withCapacity(10);

        assertThat(ids(new Random(3), 1000)).noneMatch(filter::mightContain);
        assertThat(filter.approximateCount()).isZero();
    }

    @Test
    void theApproximateCount_countsDistinctIds() {
        KeyIdFilter filter = KeyIdFilter.withCapacity(CAPACITY);
        List<UUID> added = ids(new Random(4), 10_000);
        added.forEach(filter::add);
        added.forEach(filter::add);

        assertThat(filter.approximateCount()).isBetween(9_900L, 10_000L);
    }

    @Test
    void itsSize_isAboutTenBitsAnId() {
        KeyIdFilter filter = KeyIdFilter.withCapacity(1_000_000);

        assertThat(filter.sizeBytes()).isBetween(1_200_000L, 1_300_000L);
    }

    @Test
    void aCapacityBelowOne_isRefused() {
        assertThatThrownBy(() -> KeyIdFilter.withCapacity(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity: 0");
    }
}
