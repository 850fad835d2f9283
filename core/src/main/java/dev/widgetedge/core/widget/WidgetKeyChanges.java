package dev.widgetedge.core.widget;

import java.util.List;

/**
 * The user-settable changes of one update, already validated and normalized. A {@code null}
 * component means "leave as is"; {@code agentId} needs a separate flag because {@code null}
 * there is a value (unpin).
 *
 * @param name            new name, or {@code null} to keep it
 * @param domainAllowlist new normalized allowlist (replaces the old one), or {@code null}
 * @param agentIdSet      whether the request named {@code agent_id} at all
 * @param agentId         the new agent id, {@code null} to unpin; ignored unless {@code agentIdSet}
 * @param disabled        {@code true} disables, {@code false} re-enables, {@code null} keeps
 */
public record WidgetKeyChanges(
        String name, List<String> domainAllowlist, boolean agentIdSet, String agentId, Boolean disabled) {

    /** The change a soft delete makes. */
    public static final WidgetKeyChanges DISABLE = new WidgetKeyChanges(null, null, false, null, true);

    public WidgetKeyChanges {
        domainAllowlist = domainAllowlist == null ? null : List.copyOf(domainAllowlist);
    }
}
