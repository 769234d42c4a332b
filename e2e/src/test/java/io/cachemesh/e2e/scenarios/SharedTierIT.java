package io.cachemesh.e2e.scenarios;

import static io.cachemesh.e2e.scenarios.Fleet.cacheStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
import io.cachemesh.e2e.harness.SidecarProcess;
import io.cachemesh.e2e.harness.Workload;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 2: a miss on one replica fills its memory and the shared tier (Redis); the same replica
 * then hits memory, another replica hits the shared tier (and fills its own memory from it), and
 * {@code Cache-Status} names the tier each time ({@code detail=memory} / {@code detail=shared}).
 */
@ExtendWith(E2eExtension.class)
class SharedTierIT {
  private static final String POLICY = "shared";
  private static E2eEnvironment env;
  private static Workload workload;
  private static List<SidecarProcess> replicas;

  @BeforeAll
  static void setUp(E2eEnvironment environment) {
    env = environment;
    workload = env.workload(POLICY);
    env.apply(Policies.brokered(env, POLICY, """
        defaults:
          ttl: 60s
        """));
    replicas = workload.scale(2);
  }

  @AfterAll
  static void tearDown() {
    workload.close();
  }

  @Test
  void missThenMemoryHitOnOneReplicaThenSharedHitThenMemoryHitOnAnother() {
    SidecarProcess first = replicas.get(0);
    SidecarProcess second = replicas.get(1);

    HttpResponse<String> miss = first.get("/shared/page");
    assertThat(cacheStatus(miss)).contains("fwd=uri-miss").contains("stored");
    HttpResponse<String> memoryHit = first.get("/shared/page");
    assertThat(cacheStatus(memoryHit)).contains("; hit;").contains("detail=memory");

    HttpResponse<String> sharedHit = second.get("/shared/page");
    assertThat(cacheStatus(sharedHit)).contains("; hit;").contains("detail=shared");
    HttpResponse<String> filledMemory = second.get("/shared/page");
    assertThat(cacheStatus(filledMemory)).contains("; hit;").contains("detail=memory");

    assertThat(List.of(memoryHit.body(), sharedHit.body(), filledMemory.body())).containsOnly(miss.body());
    assertThat(env.origin().hits("/shared/page")).isEqualTo(1);
  }
}
