package dev.widgetedge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code {id}} path segment: a canonical 8-4-4-4-12 hex UUID, nothing else. */
class KeyIdsTest {

    private static final String ID = "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e";

    @Test
    void canonicalLowercaseUuid_isAccepted() {
        assertThat(KeyIds.parse(ID)).isEqualTo(UUID.fromString(ID));
    }

    @Test
    void canonicalUppercaseUuid_isAccepted_asTheSameId() {
        assertThat(KeyIds.parse(ID.toUpperCase(Locale.ROOT))).isEqualTo(UUID.fromString(ID));
    }

    @Test
    void mixedCaseUuid_isAccepted_asTheSameId() {
        assertThat(KeyIds.parse("0B6f2C1e-8E7c-4A53-9d7E-3F1b2A4c5D6e")).isEqualTo(UUID.fromString(ID));
    }

    @Test
    void everyRandomUuid_roundTrips() {
        for (int i = 0; i < 1_000; i++) {
            UUID id = UUID.randomUUID();
            assertThat(KeyIds.parse(id.toString())).isEqualTo(id);
        }
    }

    @Test
    void nilAndMaxUuids_areAccepted() {
        assertThat(KeyIds.parse("00000000-0000-0000-0000-000000000000")).isEqualTo(new UUID(0, 0));
        assertThat(KeyIds.parse("ffffffff-ffff-ffff-ffff-ffffffffffff")).isEqualTo(new UUID(-1, -1));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "",
            "1-1-1-1-1",
            "0b6f2c1e8e7c4a539d7e3f1b2a4c5d6e",
            "0B6F2C1E8E7C4A539D7E3F1B2A4C5D6E",
            "{0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e}",
            "urn:uuid:0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e",
            "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6",
            "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e0",
            " 0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6",
            "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6\n",
            "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6g",
            "0b6f2c1e+8e7c-4a53-9d7e-3f1b2a4c5d6e",
            "0b6f2c1-e8e7c-4a53-9d7e-3f1b2a4c5d6e",
            "+b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e",
            "0b6f2c1e-+e7c-4a53-9d7e-3f1b2a4c5d6e",
            "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6\u0660",
            "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6\uff45",
            "%30b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e",
            "not-a-uuid"})
    void nonCanonicalSegment_isRejected(String segment) {
        assertThat(KeyIds.parse(segment)).isNull();
    }
}
