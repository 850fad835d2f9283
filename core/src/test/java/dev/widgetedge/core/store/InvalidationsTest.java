package dev.widgetedge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InvalidationsTest {

    @Test
    void anInvalidation_survivesEncodeAndDecode() {
        Invalidation invalidation = new Invalidation(UUID.randomUUID(), 42, Instant.ofEpochMilli(1_764_049_860_123L));

        String encoded = Invalidations.encode(invalidation);

        assertThat(encoded).isEqualTo("v1 " + invalidation.keyId() + " 42 1764049860123");
        assertThat(Invalidations.decode(encoded)).isEqualTo(invalidation);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v1", "v2 0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e 1 1",
            "v1 not-a-uuid 1 1", "v1 0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e x 1",
            "v1 0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e 1 1 extra"})
    void aMalformedMessage_isRejectedWithIllegalArgument(String message) {
        assertThatThrownBy(() -> Invalidations.decode(message)).isInstanceOf(IllegalArgumentException.class);
    }
}
