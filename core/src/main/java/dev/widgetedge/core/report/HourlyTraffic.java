package dev.widgetedge.core.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One key's counts of one UTC hour, as a gateway's report flush writes them
 * ({@link dev.widgetedge.core.store.WidgetKeyStore#recordTraffic(java.util.List)}).
 *
 * @param hour the start of the UTC hour the requests were answered in
 */
public record HourlyTraffic(UUID keyId, Instant hour, List<TrafficCount> counts) {

    public HourlyTraffic {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(hour, "hour");
        counts = List.copyOf(counts);
    }
}
