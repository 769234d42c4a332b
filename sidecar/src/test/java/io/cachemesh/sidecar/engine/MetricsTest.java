package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.redis.testing.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final MutableClock clock = new MutableClock();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void prometheusNamesAndLabelsAreAsDocumented() {
    ScriptedOrigin origin = ScriptedOrigin.replying(clock, 200, "hello", "Cache-Control", "max-age=60");
    try (DefaultCacheEngine engine = new DefaultCacheEngine(Policies.defaults(), clock, registry)) {
      engine.handle(Requests.get("/a"), origin);
      engine.handle(Requests.get("/a"), origin);
      engine.tryServeFromMemory(Requests.get("/a"));
      engine.handle(Requests.get("/a", "Authorization", "x"), origin);
      engine.purge(new Purge(Purge.Kind.TAG, java.util.List.of("t"), false));
      String text = registry.scrape();
      assertThat(text)
          .contains("cachemesh_requests_total{policy=\"test/shop\",reason=\"none\",result=\"hit\",rule=\"default\",tier=\"memory\"} 2.0")
          .contains("cachemesh_requests_total{policy=\"test/shop\",reason=\"none\",result=\"miss\",rule=\"default\",tier=\"none\"} 1.0")
          .contains("cachemesh_requests_total{policy=\"test/shop\",reason=\"authorization\",result=\"bypass\",rule=\"default\",tier=\"none\"} 1.0")
          .contains("cachemesh_cache_served_bytes_total{policy=\"test/shop\"} 10.0")
          .contains("cachemesh_memory_size_bytes{policy=\"test/shop\"}")
          .contains("cachemesh_memory_entries{policy=\"test/shop\"} 1.0")
          .contains("cachemesh_memory_evictions_total{policy=\"test/shop\"} 0.0")
          .contains("cachemesh_coalesced_waiters_total{policy=\"test/shop\"} 0.0")
          .contains("cachemesh_purged_entries_total{kind=\"tag\",policy=\"test/shop\"} 0.0");
    }
  }
}
