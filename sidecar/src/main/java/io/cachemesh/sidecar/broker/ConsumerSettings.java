package io.cachemesh.sidecar.broker;

import io.cachemesh.redis.RedisClients;
import java.time.Duration;

/**
 * @param block how long one XREAD waits for events (at most {@link RedisClients#MAX_BLOCK})
 * @param batch events per read; a full batch means the consumer is behind, so it checks for a gap
 * @param minBackoff first wait after a failed read, doubled per failure up to {@code maxBackoff}
 */
public record ConsumerSettings(Duration block, int batch, Duration minBackoff, Duration maxBackoff) {
  public static final ConsumerSettings DEFAULTS =
      new ConsumerSettings(Duration.ofSeconds(1), 100, Duration.ofMillis(50), Duration.ofSeconds(2));

  public ConsumerSettings {
    if (block.isNegative() || block.isZero() || block.compareTo(RedisClients.MAX_BLOCK) > 0) {
      throw new IllegalArgumentException("block: " + block + " must be in (0, " + RedisClients.MAX_BLOCK + "]");
    }
    if (batch < 1 || batch > 10_000) {
      throw new IllegalArgumentException("batch: " + batch + " is not in 1..10000");
    }
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("backoff: min must be positive and not above max");
    }
  }
}
