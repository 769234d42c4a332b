package io.cachemesh.redis;

import java.time.Duration;

/**
 * Client limits. Short by design: Redis is an optimisation, so a slow Redis must cost a request at
 * most these times before the circuit breaker stops asking it at all.
 *
 * @param connectTimeout TCP (and TLS) connect
 * @param socketTimeout a single command's reply
 * @param poolSize connections per Redis node
 * @param clientName CLIENT SETNAME, to find sidecars in CLIENT LIST
 */
public record RedisSettings(Duration connectTimeout, Duration socketTimeout, int poolSize, String clientName) {
  public static final RedisSettings DEFAULTS =
      new RedisSettings(Duration.ofMillis(500), Duration.ofMillis(250), 8, "cachemesh-sidecar");

  public RedisSettings {
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("socketTimeout", socketTimeout);
    if (poolSize < 1 || poolSize > 256) {
      throw new IllegalArgumentException("poolSize: " + poolSize + " is not in 1..256");
    }
  }

  public RedisSettings withTimeouts(Duration connect, Duration socket) {
    return new RedisSettings(connect, socket, poolSize, clientName);
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero() || value.toMillis() > 60_000) {
      throw new IllegalArgumentException(name + ": " + value + " must be between 1ms and 60s");
    }
  }
}
