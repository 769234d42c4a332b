package io.cachemesh.e2e.harness;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The replicas of one application selected by one policy: pods labelled {@code app=<policy>} and
 * annotated {@code cachemesh.io/policy}, whose app container listens on the origin's port under the
 * name {@code http}, created through admission and run by the kubelet. Closing deletes them.
 */
public final class Workload implements AutoCloseable {
  private final E2eEnvironment env;
  private final String policy;
  private final List<String> pods = new ArrayList<>();

  Workload(E2eEnvironment env, String policy) {
    this.env = env;
    this.policy = policy;
  }

  /** The pod as a Deployment's template would make it, before admission. */
  public Pod template(String name) {
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(E2eEnvironment.NAMESPACE)
            .addToLabels("app", policy).addToAnnotations("cachemesh.io/policy", policy).endMetadata()
        .withNewSpec()
            .addNewContainer().withName("app").withImage("shop:1")
                .addNewPort().withName("http").withContainerPort(env.origin().port()).withProtocol("TCP").endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz")
                    .withNewPort("http").endHttpGet().endReadinessProbe()
            .endContainer()
        .endSpec()
        .build();
  }

  /** Creates {@code count} more replicas through admission and starts their sidecars. */
  public List<SidecarProcess> scale(int count) {
    List<SidecarProcess> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(env.kubelet().run(admit()));
    }
    return started;
  }

  /**
   * One more replica through admission, returned as stored and not run: for a pod that admission
   * may leave without a sidecar. A refusal is retried for a bounded time, as a ReplicaSet controller
   * retries: the webhook reads policies from an informer cache, which learns of a policy just
   * created a moment after the API server does.
   */
  public Pod admit() {
    String name = policy + "-" + (pods.size() + 1);
    Pod stored = await(name + " admitted").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsMatching(e -> e instanceof AdmissionRefusedException refused && refused.code() == 404)
        .until(() -> env.admission().create(template(name)), Objects::nonNull);
    pods.add(name);
    return stored;
  }

  @Override
  public void close() {
    pods.forEach(env.kubelet()::delete);
    pods.clear();
  }
}
