package io.cachemesh.operator;

import io.cachemesh.api.Broker;
import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationSpec;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.CachePolicySpec;
import io.cachemesh.api.Rollout;
import io.cachemesh.api.Upstream;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Policies, invalidations and pods as the tests need them. */
public final class Fixtures {
  public static final String SIDECAR_VERSION = "1.2.3";

  private Fixtures() {}

  public static CachePolicy policy(String name, Map<String, String> selector, String brokerSecret, Rollout rollout) {
    return policy(name, selector, brokerSecret, rollout, new Upstream(new IntOrString("http")));
  }

  public static CachePolicy policy(String name, Map<String, String> selector, String brokerSecret, Rollout rollout,
      Upstream upstream) {
    CachePolicy policy = new CachePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(MockCluster.NAMESPACE)
        .withUid("uid-" + name).withGeneration(1L).build());
    policy.setSpec(new CachePolicySpec(
        selector == null ? null : new LabelSelectorBuilder().withMatchLabels(selector).build(),
        upstream, null, null, null, null,
        brokerSecret == null ? null : new Broker(brokerSecret),
        null, null, rollout));
    return policy;
  }

  public static CacheInvalidation invalidation(String name, String policy, List<String> tags, Integer ttl) {
    CacheInvalidation inv = new CacheInvalidation();
    inv.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(MockCluster.NAMESPACE).build());
    inv.setSpec(new CacheInvalidationSpec(policy, tags, null, null, null, null, ttl));
    return inv;
  }

  /** A pod, with the sidecar (as a native sidecar init container) when {@code injected}. */
  public static Pod pod(String name, Map<String, String> labels, Map<String, String> annotations, boolean injected,
      OwnerReference... owners) {
    List<io.fabric8.kubernetes.api.model.Container> init = new ArrayList<>();
    if (injected) {
      init.add(new ContainerBuilder().withName(PodContract.SIDECAR_CONTAINER).withImage("cachemesh/sidecar:" + SIDECAR_VERSION)
          .withRestartPolicy("Always").build());
    }
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(MockCluster.NAMESPACE).withLabels(labels)
        .withAnnotations(annotations).withOwnerReferences(owners).endMetadata()
        .withNewSpec()
        .withInitContainers(init)
        .addNewContainer().withName("app").withImage("shop:1").endContainer()
        .endSpec()
        .build();
  }
}
