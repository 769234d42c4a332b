package io.cachemesh.operator.admission;

import io.cachemesh.api.CachePolicy;
import java.util.List;
import java.util.Map;

/**
 * What pod admission needs to know about the cluster: the policies and the labels of a namespace.
 * In production an informer cache ({@link InformerPolicyLookup}), so admission makes no API call;
 * in tests and benchmarks a fixed view ({@link #fixed}).
 */
public interface PolicyLookup {
  List<CachePolicy> policies(String namespace);

  /** The namespace's labels; empty when the namespace is unknown. */
  Map<String, String> namespaceLabels(String namespace);

  /** A fixed view: policies grouped by their {@code metadata.namespace}, labels by namespace name. */
  static PolicyLookup fixed(List<CachePolicy> policies, Map<String, Map<String, String>> namespaceLabels) {
    List<CachePolicy> all = List.copyOf(policies);
    Map<String, Map<String, String>> labels = Map.copyOf(namespaceLabels);
    return new PolicyLookup() {
      @Override
      public List<CachePolicy> policies(String namespace) {
        return all.stream().filter(p -> namespace.equals(p.getMetadata().getNamespace())).toList();
      }

      @Override
      public Map<String, String> namespaceLabels(String namespace) {
        return labels.getOrDefault(namespace, Map.of());
      }
    };
  }
}
