package io.cachemesh.sidecar.origin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code cachemesh_upstream_duration_seconds{status_class}}: request sent to response head received.
 * {@code cachemesh_upstream_errors_total{kind}}: failures by kind. Meters are created once, so the
 * request path only looks them up in arrays.
 */
public final class UpstreamMetrics {
  public enum ErrorKind { CONNECT, TIMEOUT, RESET, PROTOCOL }

  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private final Timer[] byClass = new Timer[6];
  private final Map<ErrorKind, Counter> errors = new EnumMap<>(ErrorKind.class);

  public UpstreamMetrics(MeterRegistry registry) {
    for (int c = 1; c <= 5; c++) {
      byClass[c] = Timer.builder("cachemesh_upstream_duration")
          .description("Time from the request sent to the origin to its response head")
          .tag("status_class", c + "xx")
          // A dozen fixed buckets per class rather than Micrometer's ~70: cheap to scrape, enough for SLOs.
          .serviceLevelObjectives(BUCKETS)
          .register(registry);
    }
    for (ErrorKind kind : ErrorKind.values()) {
      errors.put(kind, Counter.builder("cachemesh_upstream_errors")
          .description("Requests to the origin that failed, by kind")
          .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry));
    }
  }

  public void response(int status, long nanos) {
    byClass[Math.clamp(status / 100, 1, 5)].record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void error(ErrorKind kind) {
    errors.get(kind).increment();
  }
}
