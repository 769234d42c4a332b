package io.cachemesh.operator.injection;

import io.cachemesh.api.CachePolicy;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Which policy applies to a pod (rows 5 to 9 of the precedence table in {@link SidecarInjector}).
 * Ties between several matching policies go to the oldest (creationTimestamp, then name), so the
 * answer does not depend on the order the API server lists them in.
 */
final class PolicyResolution {
  private static final Comparator<CachePolicy> OLDEST_FIRST = Comparator
      .comparing((CachePolicy p) -> nullToEmpty(p.getMetadata().getCreationTimestamp()))
      .thenComparing(p -> p.getMetadata().getName());

  private PolicyResolution() {}

  static InjectionDecision resolve(
      Pod pod, String namespace, Map<String, String> namespaceLabels, List<CachePolicy> policies,
      BiFunction<CachePolicy, List<String>, InjectionDecision> inject) {
    Map<String, String> annotations = annotations(pod);
    String nsInjection = namespaceLabels.get(InjectionKeys.NAMESPACE_INJECTION);
    if ("disabled".equals(nsInjection)) {
      return skip("namespace " + namespace + " is labelled " + InjectionKeys.NAMESPACE_INJECTION + "=disabled");
    }
    String named = annotations.get(InjectionKeys.POLICY);
    if (named != null) {
      Optional<CachePolicy> policy = policies.stream().filter(p -> named.equals(p.getMetadata().getName())).findFirst();
      if (policy.isEmpty()) {
        return new InjectionDecision.Refuse(
            "annotation " + InjectionKeys.POLICY + "=" + named + ": CachePolicy " + named
                + " does not exist in namespace " + namespace
                + " (create it, or remove the annotation to let selectors decide)",
            List.of());
      }
      return inject.apply(policy.get(), List.of());
    }
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    List<CachePolicy> selecting = policies.stream()
        .filter(p -> p.getSpec() != null && LabelSelectors.matches(p.getSpec().selector(), labels))
        .sorted(OLDEST_FIRST)
        .toList();
    if (selecting.isEmpty() && "enabled".equals(nsInjection)) {
      selecting = policies.stream()
          .filter(p -> p.getSpec() != null && p.getSpec().selector() == null)
          .sorted(OLDEST_FIRST)
          .toList();
    }
    if (selecting.isEmpty()) {
      return skip("no CachePolicy in namespace " + namespace + " selects this pod");
    }
    List<String> warnings = new ArrayList<>();
    if (selecting.size() > 1) {
      warnings.add("several CachePolicies select this pod (" + String.join(", ", selecting.stream()
          .map(p -> p.getMetadata().getName()).toList()) + "): using the oldest, "
          + selecting.getFirst().getMetadata().getName() + "; set " + InjectionKeys.POLICY + " to choose");
    }
    return inject.apply(selecting.getFirst(), warnings);
  }

  static Map<String, String> annotations(Pod pod) {
    Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  private static InjectionDecision skip(String reason) {
    return new InjectionDecision.Skip(reason, List.of());
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
