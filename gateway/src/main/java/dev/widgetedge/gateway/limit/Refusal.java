package dev.widgetedge.gateway.limit;

import dev.widgetedge.gateway.metrics.LimitKind;

/**
 * A request refused by a rate limit: what the {@code 429} says.
 *
 * @param kind              which limit refused it
 * @param limit             that limit, in requests per window
 * @param windowSeconds     the window's length
 * @param retryAfterSeconds when a request would fit again, at the soonest (at least 1)
 * @param capped            refused only because this gateway's requests that no sharing round has
 *                          reported back yet reached its cap, not because the window is full: the
 *                          next round may admit the request ({@link RateLimiter#nextRound})
 */
public record Refusal(LimitKind kind, int limit, long windowSeconds, long retryAfterSeconds, boolean capped) {
}
