package dev.widgetedge.core.report;

import java.time.Instant;
import java.util.Objects;

/**
 * Requests for one key from one origin with one outcome: what a gateway flushes for a UTC hour,
 * and a row of the origin report.
 *
 * @param origin    the normalized origin, or one of the {@link OriginLabels}
 * @param outcome   how the requests were answered
 * @param requests  how many, at least 1
 * @param firstSeen the first of them
 * @param lastSeen  the last of them
 */
public record TrafficCount(String origin, ReportOutcome outcome, long requests, Instant firstSeen, Instant lastSeen) {

    public TrafficCount {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        if (requests < 1) {
            throw new IllegalArgumentException("requests: " + requests + " (expected: >= 1)");
        }
    }

    /** Whether this counts the same origin and outcome as {@code other}. */
    public boolean sameRow(TrafficCount other) {
        return origin.equals(other.origin) && outcome == other.outcome;
    }

    /** The sum of this and {@code other}, a count of the same row. */
    public TrafficCount plus(TrafficCount other) {
        return new TrafficCount(origin, outcome, requests + other.requests,
                firstSeen.isBefore(other.firstSeen) ? firstSeen : other.firstSeen,
                lastSeen.isAfter(other.lastSeen) ? lastSeen : other.lastSeen);
    }
}
