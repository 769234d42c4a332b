package io.cachemesh.operator;

import java.time.Duration;

/** Exponential backoff: {@code initial}, doubling at each attempt, capped at {@code max}. */
public record Backoff(Duration initial, Duration max) {
  /** The delay before retry number {@code attempt} (1 = first retry). */
  public Duration delay(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    long millis = initial.toMillis() << doublings;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }
}
