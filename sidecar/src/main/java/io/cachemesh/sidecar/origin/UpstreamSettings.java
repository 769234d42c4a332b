package io.cachemesh.sidecar.origin;

import java.time.Duration;

/**
 * Timeouts and pooling of the upstream client.
 *
 * @param connectTimeout to establish a TCP connection
 * @param responseTimeout from the request sent to the complete response head (time to first byte)
 * @param readTimeout longest silence while reading a response body
 * @param idleTimeout how long a pooled connection may stay idle; keep it below the origin's
 *     keep-alive timeout (Node.js closes after 5s) so that a reused connection is rarely dead
 * @param maxIdle most idle connections kept
 */
public record UpstreamSettings(
    Duration connectTimeout, Duration responseTimeout, Duration readTimeout, Duration idleTimeout, int maxIdle) {

  public static final UpstreamSettings DEFAULTS = new UpstreamSettings(
      Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(4), 64);

  public UpstreamSettings {
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("responseTimeout", responseTimeout);
    requirePositive("readTimeout", readTimeout);
    requirePositive("idleTimeout", idleTimeout);
    if (maxIdle < 0) {
      throw new IllegalArgumentException("maxIdle must be >= 0, was " + maxIdle);
    }
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
    }
    if (d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " is too long: " + d);
    }
  }
}
