package dev.widgetedge.core.store;

/** The store contract on the in-memory store of {@code dev} mode. */
class InMemoryWidgetKeyStoreTest extends WidgetKeyStoreContract {

    private final InMemoryWidgetKeyStore store = new InMemoryWidgetKeyStore();

    @Override
    protected WidgetKeyStore store() {
        return store;
    }
}
