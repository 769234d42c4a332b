package io.cachemesh.operator.policy;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.operator.PodContract;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Which pods a policy covers: pods in its namespace matching {@code spec.selector}, or annotated
 * {@code cachemesh.io/policy: <name>} (an annotated pod counts even when the policy has no
 * selector). A policy without a selector selects by annotation only; an empty selector
 * ({@code {}}) selects every pod of the namespace, as in Kubernetes.
 */
public final class PodSelection {
  private PodSelection() {}

  public static boolean selects(CachePolicy policy, Pod pod) {
    if (!Objects.equals(policy.getMetadata().getNamespace(), pod.getMetadata().getNamespace())) {
      return false;
    }
    if (policy.getMetadata().getName().equals(annotation(pod, PodContract.POLICY_ANNOTATION))) {
      return true;
    }
    LabelSelector selector = policy.getSpec() == null ? null : policy.getSpec().selector();
    return selector != null && matches(selector, labels(pod));
  }

  /** Pods that count: not being deleted, not finished. */
  public static boolean isLive(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  public static boolean isInjected(Pod pod) {
    var spec = pod.getSpec();
    if (spec == null) {
      return false;
    }
    return Stream.concat(containers(spec.getContainers()), containers(spec.getInitContainers()))
        .anyMatch(c -> PodContract.SIDECAR_CONTAINER.equals(c.getName()));
  }

  public static String annotation(Pod pod, String key) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchLabels() != null) {
      for (var entry : selector.getMatchLabels().entrySet()) {
        if (!entry.getValue().equals(labels.get(entry.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        if (!matches(requirement, labels)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(requirement.getKey());
      case "DoesNotExist" -> !labels.containsKey(requirement.getKey());
      // An operator the API server would have refused: select nothing rather than everything.
      default -> false;
    };
  }

  private static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }

  private static Stream<Container> containers(List<Container> containers) {
    return containers == null ? Stream.empty() : containers.stream();
  }
}
