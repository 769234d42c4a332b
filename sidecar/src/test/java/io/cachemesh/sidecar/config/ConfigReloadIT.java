package io.cachemesh.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.ConfigJson;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The injected sidecar follows its mounted config file in place, as the kubelet updates it. */
class ConfigReloadIT {
  private static final Duration BOUND = Duration.ofSeconds(5);
  @TempDir Path dir;
  private Path file;
  private TestOrigin origin;
  private SidecarFixture sidecar;
  private CompiledConfig first;
  private CompiledConfig second;

  @BeforeEach
  void start() throws Exception {
    first = SidecarFixture.compile(SidecarFixture.DEV_POLICY);
    second = SidecarFixture.compile(SidecarFixture.DEV_POLICY.replace("name: products", "name: catalogue"));
    file = dir.resolve("config.json");
    write(first);
    origin = new TestOrigin();
    sidecar = SidecarFixture.caching(SidecarFixture.options(origin.url(), file, SidecarFixture.FAST_TIMEOUTS), null);
  }

  @AfterEach
  void stop() {
    sidecar.close();
    origin.close();
  }

  /** As the kubelet does: write beside, then rename over, so a reader never sees half a file. */
  private void write(CompiledConfig config) throws Exception {
    writeRaw(ConfigJson.write(config));
  }

  private void writeRaw(String content) throws Exception {
    Path tmp = dir.resolve("..tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private String configHash() {
    CompiledConfig config = sidecar.sidecar.engine().config();
    return config == null ? null : config.hash();
  }

  private String metrics() {
    try {
      return sidecar.get(sidecar.ops("/metrics")).body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void newConfigIsAppliedInPlace() throws Exception {
    assertThat(configHash()).isEqualTo(first.hash());
    assertThat(sidecar.get(sidecar.ops("/ready")).statusCode()).isEqualTo(200);

    write(second);

    SidecarFixture.await("the second config", BOUND, () -> second.hash().equals(configHash()));
    assertThat(sidecar.get(sidecar.admin("/config")).body()).contains("\"catalogue\"");
    assertThat(metrics()).containsPattern("cachemesh_config_reloads_total\\{result=\"success\"} 2");
    assertThat(sidecar.get(sidecar.proxy("/products/1")).statusCode()).isEqualTo(200);
  }

  @Test
  void noRequestFailsWhileConfigsAreSwapped() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.List<Integer> statuses = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread load = Thread.ofVirtual().start(() -> {
      while (running.get()) {
        try {
          statuses.add(sidecar.get(sidecar.proxy("/products/1")).statusCode());
        } catch (Exception e) {
          statuses.add(-1);
        }
      }
    });
    for (int i = 0; i < 6; i++) {
      CompiledConfig next = i % 2 == 0 ? second : first;
      write(next);
      SidecarFixture.await("config " + i, BOUND, () -> next.hash().equals(configHash()));
    }
    running.set(false);
    load.join(Duration.ofSeconds(10));

    assertThat(statuses).isNotEmpty().containsOnly(200);
  }

  @Test
  void badFileKeepsTheLastGoodConfigAndCountsTheFailure() throws Exception {
    writeRaw("{\"schemaVersion\": 1, \"truncated");

    SidecarFixture.await("the failure counted", BOUND,
        () -> metrics().contains("cachemesh_config_reloads_total{result=\"failure\"} 1.0"));
    assertThat(configHash()).isEqualTo(first.hash());
    assertThat(sidecar.get(sidecar.ops("/ready")).statusCode()).isEqualTo(200);

    String tampered = ConfigJson.write(second).replace("\"ttlMillis\" : 30000", "\"ttlMillis\" : 1");
    writeRaw(tampered);
    SidecarFixture.await("the second failure counted", BOUND,
        () -> metrics().contains("cachemesh_config_reloads_total{result=\"failure\"} 2.0"));
    assertThat(configHash()).isEqualTo(first.hash());

    write(second);
    SidecarFixture.await("the good config after bad ones", BOUND, () -> second.hash().equals(configHash()));
  }

  @Test
  void deletedConfigFallsBackToPassThroughUntilOneAppears() throws Exception {
    Files.delete(file);

    SidecarFixture.await("pass-through", BOUND, () -> sidecar.sidecar.engine().passThrough());
    assertThat(sidecar.get(sidecar.admin("/config")).statusCode()).isEqualTo(503);
    assertThat(sidecar.get(sidecar.proxy("/x")).statusCode()).isEqualTo(200);
    assertThat(sidecar.get(sidecar.ops("/ready")).statusCode()).isEqualTo(200);
    assertThat(metrics()).contains("cachemesh_config_pass_through 1.0");

    write(second);
    SidecarFixture.await("a config again", BOUND, () -> second.hash().equals(configHash()));
    assertThat(sidecar.sidecar.engine().passThrough()).isFalse();
  }
}
