package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationStatus;
import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
import io.cachemesh.e2e.harness.RedisProcess;
import io.cachemesh.e2e.harness.SidecarProcess;
import io.cachemesh.e2e.harness.Workload;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 4: the three ways an invalidation enters the fleet reach every replica: the app's own
 * XADD (as a Django signal handler publishes it, README schema v1), a {@code CacheInvalidation}
 * created kubectl-style (published by the operator), and an unsafe request through one replica.
 */
@ExtendWith(E2eExtension.class)
class InvalidationFanOutIT {
  private static final String POLICY = "fanout";
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
        rules:
          - name: products
            match:
              path:
                template: /fanout/products/{id}
            tags: ["product:{id}"]
        """));
    replicas = workload.scale(3);
  }

  @AfterAll
  static void tearDown() {
    workload.close();
  }

  @Test
  void tagInvalidationPublishedByTheAppWithARawXaddDropsThePageOnEveryReplica() {
    String path = "/fanout/products/1";
    String cached = Fleet.warm(replicas, path);
    List<Double> applied = Fleet.applied(replicas);
    long originHits = env.origin().hits(path);

    env.redis().xadd(RedisProcess.stream(POLICY),
        Map.of("v", "1", "tags", "product:1 category:7", "mode", "hard", "origin", "django"), 10_000, true);

    Fleet.awaitApplied(replicas, applied, 1);
    Fleet.assertEveryReplicaServesAFreshCopy(replicas, path, cached);
    assertThat(env.origin().hits(path)).isEqualTo(originHits + 1);
  }

  @Test
  void cacheInvalidationCreatedKubectlStyleIsPublishedOnceAndDropsThePageOnEveryReplica() {
    String path = "/fanout/products/2";
    String cached = Fleet.warm(replicas, path);
    List<Double> applied = Fleet.applied(replicas);
    long streamLength = env.redis().client().xlen(RedisProcess.stream(POLICY));

    env.create("""
        apiVersion: cachemesh.io/v1alpha1
        kind: CacheInvalidation
        metadata:
          name: fanout-product-2
          namespace: shop
        spec:
          policyRef: fanout
          tags: ["product:2"]
        """);

    CacheInvalidationStatus status = await("invalidation published").atMost(Duration.ofSeconds(30))
        .until(() -> env.client().resources(CacheInvalidation.class).inNamespace(E2eEnvironment.NAMESPACE)
            .withName("fanout-product-2").get().getStatus(), s -> s != null && s.streamId() != null);
    assertThat(status.streamId()).isNotBlank();
    Fleet.awaitApplied(replicas, applied, 1);
    Fleet.assertEveryReplicaServesAFreshCopy(replicas, path, cached);
    assertThat(env.redis().client().xlen(RedisProcess.stream(POLICY))).isEqualTo(streamLength + 1);
  }

  @Test
  void successfulPostThroughOneReplicaPurgesThatResourceOnEveryReplica() {
    String path = "/fanout/articles/9";
    String cached = Fleet.warm(replicas, path);
    String untouched = Fleet.warm(replicas, "/fanout/articles/10");
    List<Double> applied = Fleet.applied(replicas);

    HttpResponse<String> post = replicas.get(1).post(path);
    assertThat(post.statusCode()).isEqualTo(200);

    Fleet.awaitApplied(replicas, applied, 1);
    Fleet.assertEveryReplicaServesAFreshCopy(replicas, path, cached);
    for (SidecarProcess replica : replicas) {
      HttpResponse<String> other = replica.get("/fanout/articles/10");
      assertThat(Fleet.cacheStatus(other)).contains("; hit;").contains("detail=memory");
      assertThat(other.body()).isEqualTo(untouched);
    }
  }
}
