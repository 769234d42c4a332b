package io.cachemesh.operator;

import io.cachemesh.operator.injection.InjectionKeys;

/**
 * Names shared with the injection webhook and the sidecar: how a pod names its policy, how an
 * injected pod looks, and the labels and annotations the operator writes. What the webhook writes is
 * defined once, in {@link InjectionKeys}; the reconcilers read it through these aliases.
 */
public final class PodContract {
  /** On a pod: the policy it asks for, whether or not a selector matches it. */
  public static final String POLICY_ANNOTATION = InjectionKeys.POLICY;
  /** On an injected pod: the version of the sidecar the webhook injected. */
  public static final String SIDECAR_VERSION_ANNOTATION = InjectionKeys.SIDECAR_VERSION;
  /** On an injected pod and on the ConfigMap: the hash of the compiled config. */
  public static final String CONFIG_HASH_ANNOTATION = InjectionKeys.CONFIG_HASH;
  /** On a policy: delete it without purging the shared tier (escape hatch when Redis is gone for good). */
  public static final String SKIP_PURGE_ANNOTATION = "cachemesh.io/skip-purge";
  /** The injected container's name (a native sidecar init container, or a regular container). */
  public static final String SIDECAR_CONTAINER = InjectionKeys.SIDECAR_NAME;
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "cachemesh";
  public static final String POLICY_LABEL = "cachemesh.io/policy";

  private PodContract() {}
}
