package dev.widgetedge.core.widget;

import java.util.Objects;
import java.util.UUID;

/**
 * What the gateway decided about one request: allowed for a key, or denied for a reason. One place
 * in the gateway maps a decision to an HTTP status and body.
 */
public sealed interface Decision permits Decision.Allowed, Decision.Denied {

    /**
     * Allowed: the key exists, is enabled and unexpired, and the origin is on its allowlist, or
     * the key is in report mode and the origin is served although it is not ({@code reported}).
     * A cached key holds one instance of each kind it can give, so deciding allocates nothing.
     * The key's own rate limits ride along as one shared reference: every key that sets none
     * holds {@link RateLimits#DEFAULTS}.
     *
     * @param limits the key's own limits ({@link RateLimits#DEFAULTS} when it sets none)
     */
    record Allowed(UUID keyId, String accountId, String agentId, boolean reported, RateLimits limits)
            implements Decision {

        /** A limit the key leaves to the gateway's default (keys can only set 1 and more). */
        public static final int GATEWAY_DEFAULT = 0;

        /**
         * The key's own limits, shared: a key that sets none holds {@link RateLimits#DEFAULTS}, so
         * a cached key pays one reference for its limits, not their values.
         */
        public Allowed {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(accountId, "accountId");
            limits = limits == null || limits.equals(RateLimits.DEFAULTS) ? RateLimits.DEFAULTS : limits;
        }

        /** A key's decision under the gateway's default limits. */
        public Allowed(UUID keyId, String accountId, String agentId, boolean reported) {
            this(keyId, accountId, agentId, reported, RateLimits.DEFAULTS);
        }

        /** The key's per-client limit, or {@link #GATEWAY_DEFAULT}. */
        public int perClientPerMinute() {
            return limits.perClient(GATEWAY_DEFAULT);
        }

        /** The key's per-key limit, or {@link #GATEWAY_DEFAULT}. */
        public int perKeyPerMinute() {
            return limits.perKey(GATEWAY_DEFAULT);
        }

        /** The same key's decision for an origin served in report mode. */
        public Allowed asReported() {
            return new Allowed(keyId, accountId, agentId, true, limits);
        }
    }

    /** Denied, for {@link #reason()}. Use {@link #of(DenialReason)}: there is one per reason. */
    final class Denied implements Decision {

        private static final Denied[] BY_REASON = new Denied[DenialReason.values().length];

        static {
            for (DenialReason reason : DenialReason.values()) {
                BY_REASON[reason.ordinal()] = new Denied(reason);
            }
        }

        private final DenialReason reason;

        private Denied(DenialReason reason) {
            this.reason = reason;
        }

        /** The shared denial for {@code reason}. */
        public static Denied of(DenialReason reason) {
            return BY_REASON[reason.ordinal()];
        }

        public DenialReason reason() {
            return reason;
        }

        @Override
        public String toString() {
            return "Denied[" + reason.code() + "]";
        }
    }
}
