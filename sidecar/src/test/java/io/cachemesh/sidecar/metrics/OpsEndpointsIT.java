package io.cachemesh.sidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsEndpointsIT {
  @Test
  void healthReadyAndMetricsAnswerOnTheirOwnPort() throws Exception {
    try (TestOrigin origin = new TestOrigin(); SidecarFixture sidecar = SidecarFixture.standalone(origin.url())) {
      sidecar.get(sidecar.proxy("/warm"));

      assertThat(sidecar.get(sidecar.ops("/healthz")).statusCode()).isEqualTo(200);
      assertThat(sidecar.get(sidecar.ops("/ready")).statusCode()).isEqualTo(200);
      String metrics = sidecar.get(sidecar.ops("/metrics")).body();
      assertThat(metrics).contains("cachemesh_upstream_duration_seconds_bucket{status_class=\"2xx\"");
      assertThat(metrics).containsPattern("cachemesh_upstream_duration_seconds_count\\{status_class=\"2xx\"} [1-9]");
      // Bound one after the other, a second after start: wait for the last one.
      SidecarFixture.await("JVM and process meters bound", Duration.ofSeconds(5), () -> scrape(sidecar).contains("process_files_open_files"));
      assertThat(scrape(sidecar)).contains("jvm_memory_used_bytes", "process_uptime_seconds");
      assertThat(sidecar.get(sidecar.proxy("/metrics")).body()).isEqualTo("hello /metrics");
    }
  }

  @Test
  void injectedSidecarWithoutConfigServesButIsNotReady(@TempDir Path dir) throws Exception {
    try (TestOrigin origin = new TestOrigin();
        SidecarFixture sidecar = SidecarFixture.start(
            SidecarFixture.options(origin.url(), dir.resolve("config.json"), SidecarFixture.FAST_TIMEOUTS), null)) {
      assertThat(sidecar.get(sidecar.ops("/ready")).statusCode()).isEqualTo(503);
      assertThat(sidecar.get(sidecar.ops("/healthz")).statusCode()).isEqualTo(200);
      assertThat(sidecar.get(sidecar.proxy("/x")).statusCode()).isEqualTo(200);
      assertThat(Files.exists(dir.resolve("config.json"))).isFalse();
    }
  }

  private static String scrape(SidecarFixture sidecar) {
    try {
      return sidecar.get(sidecar.ops("/metrics")).body();
    } catch (Exception e) {
      throw new AssertionError("scrape failed", e);
    }
  }
}
