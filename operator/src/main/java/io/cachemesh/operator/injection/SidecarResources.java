package io.cachemesh.operator.injection;

import io.cachemesh.api.CachePolicy;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The sidecar's resources: the policy's {@code spec.sidecar.resources}, else the settings' defaults,
 * then the workload's annotations ({@code cachemesh.io/sidecar-cpu-request}, {@code -memory-request},
 * {@code -memory-limit}) on top. An annotation that is not a Kubernetes quantity is ignored with a
 * warning rather than refusing the pod.
 */
final class SidecarResources {
  /** The Kubernetes quantity grammar (a non-negative decimal, then an optional SI, binary or exponent suffix). */
  private static final Pattern QUANTITY =
      Pattern.compile("^\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$");

  private SidecarResources() {}

  static ResourceRequirements resolve(
      CachePolicy policy, InjectionSettings settings, Map<String, String> annotations, List<String> warnings) {
    ResourceRequirements base = policy.getSpec().sidecar() != null && policy.getSpec().sidecar().resources() != null
        ? policy.getSpec().sidecar().resources()
        : settings.defaultResources();
    Map<String, Quantity> requests = copy(base.getRequests());
    Map<String, Quantity> limits = copy(base.getLimits());
    override(annotations, InjectionKeys.CPU_REQUEST, requests, "cpu", warnings);
    override(annotations, InjectionKeys.MEMORY_REQUEST, requests, "memory", warnings);
    override(annotations, InjectionKeys.MEMORY_LIMIT, limits, "memory", warnings);
    ResourceRequirements resolved = new ResourceRequirements();
    if (!requests.isEmpty()) {
      resolved.setRequests(requests);
    }
    if (!limits.isEmpty()) {
      resolved.setLimits(limits);
    }
    return resolved;
  }

  static boolean isQuantity(String value) {
    return value != null && QUANTITY.matcher(value).matches();
  }

  private static void override(
      Map<String, String> annotations, String key, Map<String, Quantity> target, String resource, List<String> warnings) {
    String value = annotations.get(key);
    if (value == null) {
      return;
    }
    if (isQuantity(value.strip())) {
      target.put(resource, new Quantity(value.strip()));
    } else {
      warnings.add("annotation " + key + "=" + value + " is not a Kubernetes quantity: ignored");
    }
  }

  private static Map<String, Quantity> copy(Map<String, Quantity> quantities) {
    Map<String, Quantity> out = new LinkedHashMap<>();
    if (quantities != null) {
      quantities.forEach((k, v) -> out.put(k, new Quantity(v.getAmount(), v.getFormat())));
    }
    return out;
  }
}
