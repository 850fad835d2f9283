package dev.widgetedge.gateway.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.widgetedge.core.store.ChangeCursor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class FilterSnapshotTest {

    private static final ChangeCursor CURSOR = new ChangeCursor("1764600000000-3", 1_764_600_000_123L);

    private static KeyIdFilter filterOf(List<UUID> ids) {
        KeyIdFilter filter = KeyIdFilter.withCapacity(20_000);
        ids.forEach(filter::add);
        return filter;
    }

    private static List<UUID> ids(int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.randomUUID());
        }
        return ids;
    }

    @Test
    void aDecodedSnapshot_hasEveryIdTheFilterHad_itsSizing_andItsCursor() {
        List<UUID> ids = ids(5_000);
        KeyIdFilter original = filterOf(ids);

        FilterSnapshot decoded = FilterSnapshot.decode(FilterSnapshot.encode(original, CURSOR));

        assertThat(decoded.covered()).isEqualTo(CURSOR);
        KeyIdFilter restored = decoded.filter();
        assertThat(restored.capacity()).isEqualTo(original.capacity());
        assertThat(restored.probes()).isEqualTo(original.probes());
        assertThat(restored.sizeBytes()).isEqualTo(original.sizeBytes());
        assertThat(restored.approximateCount()).isEqualTo(original.approximateCount());
        assertThat(ids).allSatisfy(id -> assertThat(restored.mightContain(id)).isTrue());
        long answeredAlike = ids(10_000).stream()
                .filter(other -> restored.mightContain(other) == original.mightContain(other)).count();
        assertThat(answeredAlike).as("the same bits answer every id alike").isEqualTo(10_000);
    }

    @Test
    void aRestoredFilter_keepsLearning() {
        FilterSnapshot decoded = FilterSnapshot.decode(FilterSnapshot.encode(filterOf(ids(10)), CURSOR));
        UUID later = UUID.randomUUID();

        decoded.filter().add(later);

        assertThat(decoded.filter().mightContain(later)).isTrue();
        assertThat(decoded.filter().approximateCount()).isEqualTo(11);
    }

    @Test
    void bytesThatAreNoSnapshot_areRefusedWithTheReason() {
        assertThatThrownBy(() -> FilterSnapshot.decode("not a filter".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
        byte[] foreign = new byte[64];
        Arrays.fill(foreign, (byte) 'x');
        assertThatThrownBy(() -> FilterSnapshot.decode(foreign))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no WEKF header");
    }

    @Test
    void anotherFormat_isRefused_evenWithAValidChecksum() {
        byte[] bytes = FilterSnapshot.encode(filterOf(ids(10)), CURSOR);
        ByteBuffer.wrap(bytes).putShort(4, (short) 2);
        resign(bytes);

        assertThatThrownBy(() -> FilterSnapshot.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("format 2 (this gateway reads format 1)");
    }

    @Test
    void anAlteredOrTruncatedSnapshot_isRefused() {
        byte[] bytes = FilterSnapshot.encode(filterOf(ids(10)), CURSOR);
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10;
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 100);

        assertThatThrownBy(() -> FilterSnapshot.decode(flipped))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checksum mismatch");
        assertThatThrownBy(() -> FilterSnapshot.decode(truncated))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checksum mismatch");
    }

    @Test
    void countsThatDoNotAddUp_areRefused_evenWithAValidChecksum() {
        byte[] bytes = FilterSnapshot.encode(filterOf(ids(10)), CURSOR);
        int wordCountAt = 4 + 2 + 8 + 4 + 8 + 8 + 2 + CURSOR.position().length();
        ByteBuffer.wrap(bytes).putInt(wordCountAt, ByteBuffer.wrap(bytes).getInt(wordCountAt) + 1);
        resign(bytes);
        byte[] noProbes = FilterSnapshot.encode(filterOf(ids(10)), CURSOR);
        ByteBuffer.wrap(noProbes).putInt(4 + 2 + 8, 0);
        resign(noProbes);

        assertThatThrownBy(() -> FilterSnapshot.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("words in");
        assertThatThrownBy(() -> FilterSnapshot.decode(noProbes))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 probes");
    }

    /** Recomputes the trailing checksum, as a writer of such bytes would. */
    private static void resign(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }
}
