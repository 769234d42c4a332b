package io.cachemesh.operator.policy;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.ConfigJson;
import io.cachemesh.operator.PodContract;
import io.cachemesh.operator.injection.InjectionKeys;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;
import java.util.Objects;

/**
 * The ConfigMap a policy owns, as a pure function of the policy and its compiled config: named
 * {@code <policy>-cachemesh}, the compiled JSON under {@code config.json}, owned by the policy (so
 * Kubernetes deletes it with the policy), labelled and annotated with the config hash.
 */
public final class DesiredConfigMap {
  public static final String DATA_KEY = "config.json";

  private DesiredConfigMap() {}

  public static String nameFor(String policyName) {
    return InjectionKeys.configMapName(policyName);
  }

  public static ConfigMap desired(CachePolicy policy, CompiledConfig config) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(nameFor(policy.getMetadata().getName()))
        .withNamespace(policy.getMetadata().getNamespace())
        .withLabels(labels(policy))
        .withAnnotations(Map.of(PodContract.CONFIG_HASH_ANNOTATION, config.hash()))
        .withOwnerReferences(ownerReference(policy))
        .endMetadata()
        .withData(Map.of(DATA_KEY, ConfigJson.write(config)))
        .build();
  }

  public static Map<String, String> labels(CachePolicy policy) {
    return Map.of(
        PodContract.MANAGED_BY_LABEL, PodContract.MANAGED_BY,
        PodContract.POLICY_LABEL, policy.getMetadata().getName());
  }

  static OwnerReference ownerReference(CachePolicy policy) {
    return new OwnerReferenceBuilder()
        .withApiVersion(CachePolicy.API_VERSION)
        .withKind(CachePolicy.KIND)
        .withName(policy.getMetadata().getName())
        .withUid(policy.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(false)
        .build();
  }

  /**
   * Whether the existing ConfigMap already says what the desired one says (data, our labels, the
   * hash annotation, the owner reference). Other labels and annotations someone added are ignored,
   * so they never cause a write.
   */
  public static boolean upToDate(ConfigMap existing, ConfigMap desired) {
    if (existing == null) {
      return false;
    }
    var meta = existing.getMetadata();
    return Objects.equals(existing.getData(), desired.getData())
        && contains(meta.getLabels(), desired.getMetadata().getLabels())
        && contains(meta.getAnnotations(), desired.getMetadata().getAnnotations())
        && meta.getOwnerReferences() != null
        && meta.getOwnerReferences().containsAll(desired.getMetadata().getOwnerReferences());
  }

  /** The hash of the config a ConfigMap carries, or null. */
  public static String hashOf(ConfigMap configMap) {
    if (configMap == null || configMap.getMetadata().getAnnotations() == null) {
      return null;
    }
    return configMap.getMetadata().getAnnotations().get(PodContract.CONFIG_HASH_ANNOTATION);
  }

  private static boolean contains(Map<String, String> actual, Map<String, String> wanted) {
    return actual != null && actual.entrySet().containsAll(wanted.entrySet());
  }
}
