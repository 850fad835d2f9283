package dev.widgetedge.core.store;

/**
 * The store could not be reached, did not answer within the store timeout, or failed. Callers
 * map it to {@code 500 Database error} (admin) or {@code 503 store_unavailable} (gateway).
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
