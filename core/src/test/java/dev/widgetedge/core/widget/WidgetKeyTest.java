package dev.widgetedge.core.widget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WidgetKeyTest {

    private static final Instant CREATED = Instant.parse("2026-11-24T05:51:00.123Z");
    private static final Instant LATER = CREATED.plusSeconds(60);
    private static final WidgetKey KEY = new WidgetKey(UUID.randomUUID(), "acct", "name", "agent_1",
            List.of("https://acme.com"), "x3Kq9ZpA", CREATED, CREATED, null, null);

    @Test
    void noChanges_returnTheSameInstance_andKeepUpdatedAt() {
        assertThat(KEY.apply(new WidgetKeyChanges(null, null, false, null, null), LATER)).isSameAs(KEY);
    }

    @Test
    void changesEqualToTheCurrentValues_areNoChange() {
        WidgetKeyChanges same = new WidgetKeyChanges("name", List.of("https://acme.com"), true, "agent_1", false);

        assertThat(KEY.apply(same, LATER)).isSameAs(KEY);
    }

    @Test
    void aRealChange_movesUpdatedAt() {
        WidgetKey renamed = KEY.apply(new WidgetKeyChanges("renamed", null, false, null, null), LATER);

        assertThat(renamed.name()).isEqualTo("renamed");
        assertThat(renamed.updatedAt()).isEqualTo(LATER);
        assertThat(renamed.createdAt()).isEqualTo(CREATED);
    }

    @Test
    void agentIdNull_unpins_andAbsentAgentId_keepsIt() {
        assertThat(KEY.apply(new WidgetKeyChanges(null, null, true, null, null), LATER).agentId()).isNull();
        assertThat(KEY.apply(new WidgetKeyChanges("n2", null, false, null, null), LATER).agentId()).isEqualTo("agent_1");
    }

    @Test
    void disable_isIdempotent_keepingTheFirstTimestamp() {
        WidgetKey disabled = KEY.disable(LATER);

        assertThat(disabled.disabledAt()).isEqualTo(LATER);
        assertThat(disabled.disable(LATER.plusSeconds(60))).isSameAs(disabled);
    }

    @Test
    void disabledFalse_reEnables() {
        WidgetKey enabled = KEY.disable(LATER).apply(new WidgetKeyChanges(null, null, false, null, false),
                LATER.plusSeconds(1));

        assertThat(enabled.disabled()).isFalse();
        assertThat(enabled.disabledAt()).isNull();
    }
}
