package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
import io.cachemesh.e2e.harness.SidecarProcess;
import io.cachemesh.e2e.harness.Workload;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 5: a policy change flows operator -> ConfigMap -> mounted file -> running sidecars,
 * which apply it in place (same process) while serving a steady load without one failed request;
 * a keyVersion bump makes everything cached before it a miss.
 */
@ExtendWith(E2eExtension.class)
class PolicyReloadIT {
  private static final String POLICY = "reload";
  private static final String BEFORE = """
      defaults:
        ttl: 60s
      """;
  private static E2eEnvironment env;
  private static Workload workload;
  private static List<SidecarProcess> replicas;

  @BeforeAll
  static void setUp(E2eEnvironment environment) {
    env = environment;
    workload = env.workload(POLICY);
    env.apply(Policies.policy(POLICY, BEFORE));
    replicas = workload.scale(2);
  }

  @AfterAll
  static void tearDown() {
    workload.close();
  }

  @Test
  void policyUpdateIsAppliedInPlaceByEveryReplicaWithNoFailedRequestUnderLoad() throws InterruptedException {
    List<Long> pids = replicas.stream().map(r -> r.process().pid()).toList();
    String oldHash = replicas.getFirst().configHash();
    assertThat(replicas.get(0).get("/reload/live/x").headers().firstValue("Cache-Status").orElseThrow())
        .contains("stored");

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    Map<String, String> failures = new ConcurrentHashMap<>();
    Thread load = Thread.ofPlatform().name("reload-load").start(() -> {
      // Bounded: stops when asked, or after 2000 requests whatever happens.
      for (int i = 0; running.get() && i < 2000; i++) {
        SidecarProcess replica = replicas.get(i % replicas.size());
        String path = "/reload/page-" + (i % 10);
        try {
          HttpResponse<String> response = replica.get(path);
          if (response.statusCode() != 200) {
            failures.put(replica.name() + path + "#" + i, "status " + response.statusCode());
          }
          served.incrementAndGet();
        } catch (RuntimeException e) {
          failures.put(replica.name() + path + "#" + i, e.toString());
        }
      }
    });
    try {
      await("some load before the change").atMost(Duration.ofSeconds(20)).until(() -> served.get() >= 20);
      env.apply(Policies.policy(POLICY, """
          defaults:
            ttl: 30s
          rules:
            - name: live
              match:
                path:
                  prefix: /reload/live/
              cache: false
          """));
      await("every replica on the new config").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        String hash = env.policy(POLICY).getStatus().configHash();
        assertThat(hash).isNotEqualTo(oldHash);
        assertThat(replicas).allSatisfy(r -> assertThat(r.configHash()).isEqualTo(hash));
      });
      int atChange = served.get();
      await("load keeps flowing after the change").atMost(Duration.ofSeconds(20))
          .until(() -> served.get() >= atChange + 20);
    } finally {
      running.set(false);
      load.join(Duration.ofSeconds(30));
    }
    assertThat(failures).isEmpty();
    assertThat(replicas.stream().map(r -> r.process().pid()).toList()).isEqualTo(pids);
    assertThat(replicas).allSatisfy(r -> {
      assertThat(r.get("/reload/live/x").headers().firstValue("Cache-Status").orElseThrow())
          .contains("fwd=bypass").contains("rule=\"live\"");
      assertThat(r.metrics()).containsPattern("cachemesh_config_reloads_total\\{result=\"success\"\\} [2-9]");
    });
  }

  @Test
  void keyVersionBumpMakesEverythingCachedBeforeAMiss() {
    SidecarProcess replica = replicas.getFirst();
    replica.get("/reload/versioned");
    assertThat(replica.get("/reload/versioned").headers().firstValue("Cache-Status").orElseThrow()).contains("; hit;");
    long originHits = env.origin().hits("/reload/versioned");

    String oldHash = replica.configHash();
    env.apply(Policies.policy(POLICY, BEFORE + "keyVersion: 1\n"));
    await("replica on the bumped keyVersion").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String hash = env.policy(POLICY).getStatus().configHash();
      assertThat(hash).isNotEqualTo(oldHash);
      assertThat(replica.configHash()).isEqualTo(hash);
    });

    HttpResponse<String> after = replica.get("/reload/versioned");
    assertThat(after.headers().firstValue("Cache-Status").orElseThrow()).contains("fwd=uri-miss");
    assertThat(env.origin().hits("/reload/versioned")).isEqualTo(originHits + 1);
  }
}
