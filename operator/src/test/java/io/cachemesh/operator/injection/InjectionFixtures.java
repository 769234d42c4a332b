package io.cachemesh.operator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachemesh.api.Broker;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.CachePolicySpec;
import io.cachemesh.api.SidecarSettings;
import io.cachemesh.api.Upstream;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Map;

/** Pods, policies and patch application shared by the injection tests. */
public final class InjectionFixtures {
  public static final KubernetesSerialization JSON = new KubernetesSerialization();
  public static final InjectionSettings NATIVE = InjectionSettings.of("ghcr.io/cachemesh/sidecar:0.1.0", "0.1.0", true, "cachemesh-system");
  /** Kubernetes 1.29-1.31: native sidecars, but Services do not resolve named ports on them. */
  public static final InjectionSettings K8S_1_30 =
      InjectionSettings.forCluster("ghcr.io/cachemesh/sidecar:0.1.0", "0.1.0", "1", "30", "cachemesh-system");
  public static final InjectionSettings LEGACY = InjectionSettings.of("ghcr.io/cachemesh/sidecar:0.1.0", "0.1.0", false, "cachemesh-system");

  private InjectionFixtures() {}

  public static Pod pod(String yaml) {
    return JSON.unmarshal(yaml, Pod.class);
  }

  /** A web pod: container {@code app} serving port {@code http}/8080, labels app=web. */
  public static String webPod(String annotations, String extraSpec) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-1
          namespace: shop
          labels: {app: web}
        %s
        spec:
        %s
          containers:
          - name: app
            image: shop/web:1
            ports:
            - {name: http, containerPort: 8080}
        """.formatted(indent(annotations, "  "), indent(extraSpec, "  "));
  }

  private static String indent(String block, String prefix) {
    return block.isEmpty() ? "" : block.lines().map(l -> prefix + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  public static CachePolicy policy(String name, String created, LabelSelector selector, IntOrString port) {
    return policy(name, created, selector, port, null, null);
  }

  public static CachePolicy policy(
      String name, String created, LabelSelector selector, IntOrString port, String brokerSecret, ResourceRequirements resources) {
    CachePolicy policy = new CachePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").withCreationTimestamp(created).build());
    policy.setSpec(new CachePolicySpec(selector, new Upstream(port), null, null, null, null,
        brokerSecret == null ? null : new Broker(brokerSecret), null,
        resources == null ? null : new SidecarSettings(resources), null));
    return policy;
  }

  public static LabelSelector selector(Map<String, String> labels) {
    return new LabelSelector(null, labels);
  }

  public static JsonNode tree(Object o) {
    return JSON.convertValue(o, JsonNode.class);
  }

  /** The patch the webhook would return for this decision, applied to the original pod by an independent RFC 6902 implementation. */
  public static Pod applyPatch(Pod original, JsonNode patch) {
    return JSON.convertValue(JsonPatch.apply(patch, tree(original)), Pod.class);
  }

  public static JsonNode patchFor(Pod original, InjectionDecision decision) {
    Pod mutated = decision instanceof InjectionDecision.Inject inject ? inject.pod() : original;
    return JsonPatches.diff(tree(original), tree(mutated));
  }
}
