package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationStatus;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
import io.cachemesh.e2e.harness.Kubelet;
import io.cachemesh.e2e.harness.SidecarProcess;
import io.cachemesh.e2e.harness.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 8: the operator crashes (SIGKILL) and comes back: an invalidation it published is not
 * published again, and what changed while it was down shows in status (a pod admitted without its
 * sidecar while the webhook was unreachable is counted as selected, not injected); then the policy is deleted:
 * its ConfigMap goes, the mounted file goes, and the sidecars pass traffic through without errors.
 */
@ExtendWith(E2eExtension.class)
class OperatorRestartIT {
  private static final String POLICY = "orders";
  private static final String STREAM = "cm:{shop/orders}:events";
  private static E2eEnvironment env;
  private static Workload workload;

  @BeforeAll
  static void setUp(E2eEnvironment environment) {
    env = environment;
    workload = env.workload(POLICY);
    env.apply(Policies.brokered(env, POLICY, """
        defaults:
          ttl: 60s
        """));
  }

  @AfterAll
  static void tearDown() {
    workload.close();
  }

  @Test
  void restartedOperatorPublishesNothingTwiceConvergesStatusAndDeletionLeavesSidecarsPassingThrough() {
    SidecarProcess first = workload.scale(1).getFirst();
    env.create("""
        apiVersion: cachemesh.io/v1alpha1
        kind: CacheInvalidation
        metadata:
          name: orders-purge-1
          namespace: shop
        spec:
          policyRef: orders
          tags: ["order:1"]
        """);
    CacheInvalidationStatus published = await("invalidation published").atMost(Duration.ofSeconds(30))
        .until(this::invalidationStatus, s -> s != null && s.streamId() != null);
    assertThat(env.redis().client().xlen(STREAM)).isEqualTo(1);

    env.operator().process().kill();
    // Changed while no operator runs: a second replica, which the webhook's failurePolicy Ignore
    // admits without a sidecar rather than blocking the rollout.
    Pod unserved = workload.admit();
    assertThat(unserved.getSpec().getInitContainers()).extracting(Container::getName).doesNotContain(Kubelet.SIDECAR_CONTAINER);
    assertThat(unserved.getSpec().getContainers()).extracting(Container::getName).doesNotContain(Kubelet.SIDECAR_CONTAINER);
    env.operator().killAndRestart();

    await("status converges after the restart and shows the pod missing its sidecar").atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          CachePolicy policy = env.policy(POLICY);
          assertThat(policy.getStatus().selectedPods()).isEqualTo(2);
          assertThat(policy.getStatus().injectedPods()).isEqualTo(1);
        });
    assertThat(invalidationStatus().streamId()).isEqualTo(published.streamId());
    assertThat(env.redis().client().xlen(STREAM)).isEqualTo(1);

    assertThat(first.get("/orders/1").headers().firstValue("Cache-Status").orElseThrow()).contains("stored");
    env.client().resources(CachePolicy.class).inNamespace(E2eEnvironment.NAMESPACE).withName(POLICY).delete();
    await("policy and ConfigMap gone").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(env.policy(POLICY)).isNull();
      assertThat(env.client().configMaps().inNamespace(E2eEnvironment.NAMESPACE).withName(POLICY + "-cachemesh").get())
          .isNull();
    });
    HttpResponse<String> passThrough = await(first.name() + " in pass-through").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> first.get("/orders/1"), r -> r.headers().firstValue("Cache-Status").orElse("").contains("pass-through"));
    assertThat(passThrough.statusCode()).isEqualTo(200);
    assertThat(first.get("/orders/1").statusCode()).isEqualTo(200);
    // The finalizer's purge announced itself with one "all" event after the invalidation's.
    assertThat(env.redis().client().xlen(STREAM)).isEqualTo(2);
  }

  private CacheInvalidationStatus invalidationStatus() {
    CacheInvalidation invalidation = env.client().resources(CacheInvalidation.class)
        .inNamespace(E2eEnvironment.NAMESPACE).withName("orders-purge-1").get();
    return invalidation == null ? null : invalidation.getStatus();
  }
}
