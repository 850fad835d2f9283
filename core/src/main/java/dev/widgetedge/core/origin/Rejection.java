package dev.widgetedge.core.origin;

/**
 * Receives the reason a parse failed. Callers that report the reason pass one; the gateway,
 * which only needs yes or no, passes {@code null}, so that a failed parse allocates nothing.
 * Used by one thread for one parse.
 */
final class Rejection {

    private Defect defect;

    /**
     * Records {@code defect} in {@code why} unless it is {@code null}, and returns {@code null}
     * so that a parse step can end with {@code return reject(why, ...)}.
     */
    static <T> T reject(Rejection why, Defect defect) {
        if (why != null) {
            why.defect = defect;
        }
        return null;
    }

    /** The recorded reason, as an exception for callers that throw. */
    InvalidOriginException toException() {
        if (defect == null) {
            throw new IllegalStateException("nothing was rejected");
        }
        return new InvalidOriginException(defect.phrase());
    }
}
