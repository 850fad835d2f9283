package dev.widgetedge.core.store;

import dev.widgetedge.core.audit.AuditLimits;

/** The store contract on the in-memory store of {@code dev} mode. */
class InMemoryWidgetKeyStoreTest extends WidgetKeyStoreContract {

    private final InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();

    @Override
    protected WidgetKeyStore store() {
        return store;
    }

    @Override
    protected WidgetKeyStore storeKeepingEvents(int maxEvents) {
        return new InMemoryWidgetKeyStore(new AuditLimits(AuditLimits.DEFAULT_RETENTION, maxEvents));
    }
}
