package dev.widgetedge.gateway.metrics;

/** The three limits: the {@code limit} label of {@code widget_gateway_rate_limited_total}. */
public enum LimitKind {
    /** Requests with one key from one client address ({@code per_client_per_minute}, {@code --client-rate-limit}). */
    CLIENT("client"),
    /** Requests with one key from all clients ({@code per_key_per_minute}, {@code --key-rate-limit}). */
    KEY("key"),
    /** Requests from one client address whose key is missing, invalid or unknown ({@code --miss-rate-limit}). */
    MISS("miss");

    private final String label;

    LimitKind(String label) {
        this.label = label;
    }

    /** The metric label, and the policy's name in {@code RateLimit-Policy}. */
    public String label() {
        return label;
    }
}
