package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.e2e.harness.Conditions;
import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
import io.cachemesh.e2e.harness.SidecarProcess;
import io.cachemesh.e2e.harness.Workload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scenario 1: a policy is applied, compiled into a ConfigMap, and three injected replicas serve with it. */
@ExtendWith(E2eExtension.class)
class PolicyLifecycleIT {
  private static final String POLICY = "catalog";
  private static E2eEnvironment env;
  private static Workload workload;

  @BeforeAll
  static void setUp(E2eEnvironment environment) {
    env = environment;
    workload = env.workload(POLICY);
  }

  @AfterAll
  static void tearDown() {
    workload.close();
  }

  @Test
  void appliedPolicyGetsConfigMapAndStatusThenThreeReplicasAreInjectedInSyncAndServeFromCache() {
    env.apply(Policies.policy(POLICY, """
        defaults:
          ttl: 60s
        rules:
          - name: products
            match:
              path:
                template: /products/{id}
            ttl: 120s
            tags: ["product:{id}"]
        """));

    await("ConfigMap and Accepted status").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      ConfigMap cm = env.client().configMaps().inNamespace(E2eEnvironment.NAMESPACE).withName(POLICY + "-cachemesh").get();
      assertThat(cm).isNotNull();
      assertThat(cm.getData()).containsKey("config.json");
      CachePolicy policy = env.policy(POLICY);
      assertThat(Conditions.isTrue(policy, "Accepted")).isTrue();
      assertThat(policy.getStatus().configHash()).isEqualTo(cm.getMetadata().getAnnotations().get("cachemesh.io/config-hash"));
    });

    List<SidecarProcess> replicas = workload.scale(3);

    await("3 selected, 3 injected, 3 in sync").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      CachePolicy policy = env.policy(POLICY);
      assertThat(policy.getStatus().selectedPods()).isEqualTo(3);
      assertThat(policy.getStatus().injectedPods()).isEqualTo(3);
      assertThat(policy.getStatus().inSyncPods()).isEqualTo(3);
      assertThat(Conditions.isTrue(policy, "Ready")).isTrue();
    });
    String hash = env.policy(POLICY).getStatus().configHash();
    assertThat(replicas).allSatisfy(sidecar -> assertThat(sidecar.configHash()).isEqualTo(hash));

    SidecarProcess first = replicas.getFirst();
    HttpResponse<String> miss = first.get("/products/7");
    HttpResponse<String> hit = first.get("/products/7");
    assertThat(miss.statusCode()).isEqualTo(200);
    assertThat(miss.headers().firstValue("Cache-Status").orElseThrow()).contains("fwd=uri-miss").contains("stored")
        .contains("rule=\"products\"");
    assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).contains("; hit;").contains("detail=memory");
    assertThat(hit.body()).isEqualTo(miss.body());
    assertThat(env.origin().hits("/products/7")).isEqualTo(1);
  }
}
