package dev.widgetedge.core.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WidgetKeyTest {

    private static final Instant CREATED = Instant.parse("2026-11-24T05:51:00.123Z");
    private static final Instant LATER = CREATED.plusSeconds(60);
    private static final WidgetKey KEY = WidgetKey.created(UUID.randomUUID(), "acct", "x3Kq9ZpA",
            KeySettings.of("name", "agent_1", List.of("https://acme.com")), CREATED, null);

    @Test
    void noChanges_returnTheSameInstance_andKeepUpdatedAt() {
        assertThat(KEY.apply(WidgetKeyChanges.NONE, LATER)).isSameAs(KEY);
    }

    @Test
    void changesEqualToTheCurrentValues_areNoChange() {
        WidgetKeyChanges same = WidgetKeyChanges.builder().name("name").domainAllowlist(List.of("https://acme.com"))
                .agentId("agent_1").expiresAt(null).mode(KeyMode.ENFORCE).disabled(false).build();

        assertThat(KEY.apply(same, LATER)).isSameAs(KEY);
    }

    @Test
    void aRealChange_movesUpdatedAt() {
        WidgetKey renamed = KEY.apply(WidgetKeyChanges.builder().name("renamed").build(), LATER);

        assertThat(renamed.name()).isEqualTo("renamed");
        assertThat(renamed.updatedAt()).isEqualTo(LATER);
        assertThat(renamed.createdAt()).isEqualTo(CREATED);
    }

    @Test
    void agentIdNull_unpins_andAbsentAgentId_keepsIt() {
        assertThat(KEY.apply(WidgetKeyChanges.builder().agentId(null).build(), LATER).agentId()).isNull();
        assertThat(KEY.apply(WidgetKeyChanges.builder().name("n2").build(), LATER).agentId()).isEqualTo("agent_1");
    }

    @Test
    void expiresAtNull_unExpires_andAbsentExpiresAt_keepsIt() {
        WidgetKey expiring = KEY.apply(WidgetKeyChanges.builder().expiresAt(LATER).build(), CREATED);

        assertThat(expiring.expiresAt()).isEqualTo(LATER);
        assertThat(expiring.apply(WidgetKeyChanges.builder().name("n2").build(), CREATED).expiresAt()).isEqualTo(LATER);
        assertThat(expiring.apply(WidgetKeyChanges.builder().expiresAt(null).build(), CREATED).expiresAt()).isNull();
    }

    @Test
    void aKeyIsExpiredFromItsExpiryOn_andNeverWithoutOne() {
        WidgetKey expiring = KEY.apply(WidgetKeyChanges.builder().expiresAt(LATER).build(), CREATED);

        assertThat(expiring.expiredAt(LATER.minusMillis(1))).isFalse();
        assertThat(expiring.expiredAt(LATER)).isTrue();
        assertThat(KEY.expiredAt(Instant.MAX)).isFalse();
    }

    @Test
    void mode_isEnforceByDefault_andChangesLikeAnyField() {
        assertThat(KEY.mode()).isEqualTo(KeyMode.ENFORCE);
        assertThat(KEY.apply(WidgetKeyChanges.builder().mode(KeyMode.REPORT).build(), LATER).mode())
                .isEqualTo(KeyMode.REPORT);
    }

    @Test
    void rateLimits_areTheGatewayDefaultsByDefault_andChangeAsAWhole() {
        assertThat(KEY.rateLimits()).isEqualTo(RateLimits.DEFAULTS);
        WidgetKey limited = KEY.apply(WidgetKeyChanges.builder().rateLimits(new RateLimits(10, null)).build(), LATER);
        assertThat(limited.rateLimits()).isEqualTo(new RateLimits(10, null));
        assertThat(limited.updatedAt()).isEqualTo(LATER);
        assertThat(limited.apply(WidgetKeyChanges.builder().rateLimits(new RateLimits(10, null)).build(),
                LATER.plusSeconds(1))).as("the same limits again are no change").isSameAs(limited);
        assertThat(limited.apply(WidgetKeyChanges.builder().name("renamed").build(), LATER).rateLimits())
                .as("a change that does not name them keeps them").isEqualTo(new RateLimits(10, null));
    }

    @Test
    void rateLimits_outOfRange_areRefusedNamingTheLimit() {
        assertThatThrownBy(() -> new RateLimits(0, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per_client_per_minute");
        assertThatThrownBy(() -> new RateLimits(null, 1_000_001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per_key_per_minute");
    }

    @Test
    void rotatedTo_expiresTheKeyAfterTheGrace_andNamesItsSuccessor() {
        UUID successor = UUID.randomUUID();

        WidgetKey retired = KEY.rotatedTo(successor, LATER, Duration.ofHours(1));

        assertThat(retired.expiresAt()).isEqualTo(LATER.plusSeconds(3600));
        assertThat(retired.replacedBy()).isEqualTo(successor);
        assertThat(retired.updatedAt()).isEqualTo(LATER);
        assertThat(retired.settings().withExpiresAt(null)).isEqualTo(KEY.settings());
    }

    @Test
    void rotatedTo_keepsAnExpiryThatComesSooner() {
        WidgetKey soon = KEY.apply(WidgetKeyChanges.builder().expiresAt(LATER.plusSeconds(10)).build(), CREATED);

        assertThat(soon.rotatedTo(UUID.randomUUID(), LATER, Duration.ofDays(1)).expiresAt())
                .isEqualTo(LATER.plusSeconds(10));
    }

    @Test
    void disable_isIdempotent_keepingTheFirstTimestamp() {
        WidgetKey disabled = KEY.disable(LATER);

        assertThat(disabled.disabledAt()).isEqualTo(LATER);
        assertThat(disabled.disable(LATER.plusSeconds(60))).isSameAs(disabled);
    }

    @Test
    void disabledFalse_reEnables() {
        WidgetKey enabled = KEY.disable(LATER).apply(WidgetKeyChanges.builder().disabled(false).build(),
                LATER.plusSeconds(1));

        assertThat(enabled.disabled()).isFalse();
        assertThat(enabled.disabledAt()).isNull();
    }
}
