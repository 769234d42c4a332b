package io.cachemesh.sidecar.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.Main;
import io.cachemesh.sidecar.testing.FleetHarness;
import io.cachemesh.sidecar.testing.ProcessLines;
import io.cachemesh.sidecar.testing.RawHttp;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Standalone sidecar processes started with {@code --redis-url}, as a developer (or the benchmark) runs a fleet. */
class StandaloneRedisIT {
  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private RedisProcess redis;

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts a sidecar process and waits for its "listening" lines; returns its proxy port. */
  private int startSidecar(Path policy, String upstream, String redisUrl) throws Exception {
    int listen = freePort();
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--policy", policy.toString(), "--upstream", upstream, "--redis-url", redisUrl, "--pod-name", "laptop-" + listen,
        "--listen", "127.0.0.1:" + listen, "--admin-listen", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CACHEMESH_REDIS_HMAC_KEY", new String(FleetHarness.HMAC, StandardCharsets.UTF_8));
    Process p = builder.start();
    processes.add(p);
    assertThat(new ProcessLines(p).until("event=started")).contains("event=fleet_bound policy=shop/catalog").contains("shared=true");
    return listen;
  }

  private static String get(int port, String path) throws IOException {
    return RawHttp.exchange(new InetSocketAddress("127.0.0.1", port),
        "GET " + path + " HTTP/1.1\r\nHost: " + FleetHarness.HOST + "\r\nConnection: close\r\n\r\n");
  }

  @Test
  void twoStandaloneProcessesWithRedisUrlShareTheirEntries() throws Exception {
    redis = RedisServers.start();
    Path policy = dir.resolve("catalog.yaml");
    Files.writeString(policy, FleetHarness.POLICY);
    try (TestOrigin origin = new TestOrigin()) {
      int one = startSidecar(policy, origin.url(), redis.url());
      int two = startSidecar(policy, origin.url(), redis.url());

      String first = get(one, "/products/7");
      String entries = BrokerKeys.entryIndex(new PolicyId("shop", "catalog"));
      try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
        SidecarFixture.await("entry written to Redis", Duration.ofSeconds(10), () -> raw.zcard(entries) == 1);
      }
      String second = get(two, "/products/7");

      assertThat(first).contains("fwd=uri-miss").endsWith("hello /products/7");
      assertThat(second).contains("detail=shared").endsWith("hello /products/7");
      assertThat(origin.hits("/products/7")).isEqualTo(1);
    }
  }
}
