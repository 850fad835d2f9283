package dev.widgetedge.core.store;

import java.util.List;

/** The store contract on the in-memory store of {@code dev} mode. */
class InMemoryWidgetKeyStoreTest extends WidgetKeyStoreContract {

    private final InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();

    @Override
    protected WidgetKeyStore store() {
        return store;
    }

    @Override
    protected void awaitSubscribed(List<Boolean> resubscribed) {
        // In-process listeners are live as soon as they are added.
    }
}
