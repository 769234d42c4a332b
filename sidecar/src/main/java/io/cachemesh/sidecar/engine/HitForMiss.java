package io.cachemesh.sidecar.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keys whose last response was not storable (Varnish's hit-for-miss): their requests go to the
 * origin without coalescing for {@link #WINDOW}, so uncacheable traffic is never serialised; a
 * later storable response clears the mark.
 */
final class HitForMiss {
  static final Duration WINDOW = Duration.ofSeconds(30);

  private final Cache<String, Long> keys;
  private final Clock clock;

  HitForMiss(Clock clock) {
    this.clock = clock;
    this.keys = Caffeine.newBuilder()
        .maximumSize(100_000)
        .expireAfterWrite(WINDOW)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .build();
  }

  boolean marked(String key) {
    return keys.getIfPresent(key) != null;
  }

  /**
   * Marks the key for another {@link #WINDOW}. A mark younger than half the window is left as it is:
   * every relayed request to an uncacheable URL re-marks it, and a cache write per request was a
   * measurable share of the relay's CPU, while a mark renewed at least every half window never lapses
   * under steady traffic.
   */
  void mark(String key) {
    long now = clock.millis();
    Long since = keys.getIfPresent(key);
    if (since == null || now - since >= WINDOW.toMillis() / 2) {
      keys.put(key, now);
    }
  }

  void clear(String key) {
    keys.invalidate(key);
  }

  void clearAll() {
    keys.invalidateAll();
  }
}
