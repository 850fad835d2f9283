package dev.widgetedge.core.store;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Where gateways share their rate-limit counts. Each gateway counts requests in its own memory and
 * calls {@link #sync} a few times a second, off the request path: the call adds what it counted
 * since its last call and reads back what all gateways counted together.
 *
 * <p>Counts are kept per <em>subject</em> (what one limit counts: a key, a key and a client
 * address, a client address's misses) in numbered <em>buckets</em> of time: bucket {@code b}
 * covers {@code [b × bucketMillis, (b + 1) × bucketMillis)} of the store's clock, and a window is
 * the current bucket and the {@code buckets} before it. The store forgets a bucket once no window
 * can include it.
 *
 * <p>Thread-safe and non-blocking; a stage fails with a {@link StoreException} when the store
 * cannot be reached or does not answer within the store timeout.
 */
public interface RateCountStore {

    /**
     * One round: records that {@code request.gatewayId()} is alive, adds every subject's
     * increments, and reads back every subject's window, each subject's write and read atomic.
     */
    CompletionStage<Reply> sync(Request request);

    /**
     * One sync round.
     *
     * @param gatewayId    this gateway, for the count of live gateways
     * @param liveMillis   how long a gateway counts as live after its last round
     * @param nowMillis    the caller's estimate of the store's clock (milliseconds since the epoch)
     * @param bucketMillis how long one bucket lasts
     * @param buckets      how many buckets before the current one a window holds
     * @param subjects     what to add and read back, in the order the reply's windows follow
     * @param leaving      whether this is the gateway's last round (it shuts down): it leaves the
     *                     live gateways at once instead of after {@code liveMillis}
     */
    record Request(String gatewayId, long liveMillis, long nowMillis, long bucketMillis, int buckets,
            List<Push> subjects, boolean leaving) {

        public Request {
            Objects.requireNonNull(gatewayId, "gatewayId");
            if (bucketMillis <= 0 || buckets <= 0) {
                throw new IllegalArgumentException("a window has buckets, and buckets last");
            }
            subjects = List.copyOf(subjects);
        }

        /** The current bucket: the one {@code nowMillis} is in. */
        public long bucket() {
            return Math.floorDiv(nowMillis, bucketMillis);
        }
    }

    /**
     * One subject's increments since its last round: {@code deltas[i]} requests in bucket
     * {@code buckets[i]}. Empty arrays read the window without adding anything.
     *
     * @param subject the subject's name, unique per limit (the store uses it in a key name)
     */
    record Push(String subject, long[] buckets, int[] deltas) {

        public Push {
            Objects.requireNonNull(subject, "subject");
            if (buckets.length != deltas.length) {
                throw new IllegalArgumentException("one delta per bucket");
            }
        }
    }

    /**
     * What a round read.
     *
     * @param serverMillis   the store's clock when it answered (milliseconds since the epoch)
     * @param liveGateways   how many gateways made a round within their {@code liveMillis}, this one included
     * @param windows        per subject, in request order: the totals of buckets
     *                       {@code bucket - buckets} to {@code bucket} (index 0 is the oldest)
     */
    record Reply(long serverMillis, int liveGateways, List<int[]> windows) {

        public Reply {
            windows = List.copyOf(windows);
        }
    }
}
