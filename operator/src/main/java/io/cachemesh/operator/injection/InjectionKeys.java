package io.cachemesh.operator.injection;

/** The labels and annotations the injector reads and writes: the user-facing contract of injection. */
public final class InjectionKeys {
  public static final String SIDECAR_NAME = "cachemesh-sidecar";
  /** Pod annotation: {@code "false"} opts a workload out. */
  public static final String INJECT = "cachemesh.io/inject";
  /** Pod annotation: the name of the policy of the pod's namespace to inject. */
  public static final String POLICY = "cachemesh.io/policy";
  /** Namespace label: {@code enabled} or {@code disabled}. */
  public static final String NAMESPACE_INJECTION = "cachemesh.io/injection";
  public static final String CPU_REQUEST = "cachemesh.io/sidecar-cpu-request";
  public static final String MEMORY_REQUEST = "cachemesh.io/sidecar-memory-request";
  public static final String MEMORY_LIMIT = "cachemesh.io/sidecar-memory-limit";
  /** Written on injected pods. */
  public static final String SIDECAR_VERSION = "cachemesh.io/sidecar-version";
  public static final String CONFIG_HASH = "cachemesh.io/config-hash";
  public static final String INJECTED_POLICY = "cachemesh.io/injected-policy";

  private InjectionKeys() {}

  /** The ConfigMap the operator writes for a policy (key {@code config.json}). */
  public static String configMapName(String policy) {
    return policy + "-cachemesh";
  }
}
