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

  private final Cache<String, Boolean> keys;

  HitForMiss(Clock clock) {
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

  void mark(String key) {
    keys.put(key, Boolean.TRUE);
  }

  void clear(String key) {
    keys.invalidate(key);
  }

  void clearAll() {
    keys.invalidateAll();
  }
}
