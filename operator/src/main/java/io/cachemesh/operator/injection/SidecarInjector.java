package io.cachemesh.operator.injection;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.validation.InvalidPolicyException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether and how a pod gets the cachemesh sidecar. A pure function of its inputs (the pod,
 * its namespace's labels, the policies of the namespace and the settings): no API calls, no clock,
 * so the same inputs always give the same pod.
 *
 * <h2>Who is injected: the first row that applies decides</h2>
 * <table>
 *   <caption>Precedence</caption>
 *   <tr><th>#</th><th>condition</th><th>result</th></tr>
 *   <tr><td>1</td><td>the pod already has a {@code cachemesh-sidecar} container or init container</td>
 *       <td>unchanged (idempotence)</td></tr>
 *   <tr><td>2</td><td>namespace is kube-system, kube-public, kube-node-lease or the operator's</td><td>skip</td></tr>
 *   <tr><td>3</td><td>{@code spec.hostNetwork: true}</td><td>skip</td></tr>
 *   <tr><td>4</td><td>pod annotation {@code cachemesh.io/inject: "false"}</td><td>skip (opt-out)</td></tr>
 *   <tr><td>5</td><td>namespace label {@code cachemesh.io/injection=disabled}</td><td>skip</td></tr>
 *   <tr><td>6</td><td>pod annotation {@code cachemesh.io/policy: NAME}</td>
 *       <td>inject NAME; <b>refuse the pod</b> when NAME does not exist in the namespace</td></tr>
 *   <tr><td>7</td><td>policies whose {@code spec.selector} matches the pod's labels</td>
 *       <td>inject the oldest (creationTimestamp, then name), with a warning when several match</td></tr>
 *   <tr><td>8</td><td>namespace label {@code cachemesh.io/injection=enabled} and policies with no selector</td>
 *       <td>inject the oldest of those (a namespace-wide policy)</td></tr>
 *   <tr><td>9</td><td>otherwise</td><td>skip</td></tr>
 * </table>
 * Without the namespace label, selector-matched and annotated pods are still injected: the label only
 * adds row 8 ({@code enabled}) or turns injection off ({@code disabled}).
 *
 * <h2>Native or regular sidecar</h2>
 * A native sidecar (first init container, {@code restartPolicy: Always}) where the cluster has them
 * and Services reach their ports (&gt;= 1.32); on 1.29-1.31 only for pods that run to completion;
 * otherwise a regular container appended to {@code containers}. See {@link InjectionSettings}.
 *
 * <p>A chosen policy is still not injected (skip with a warning) when no app container port matches
 * {@code upstream.port}, when the pod already uses one of the sidecar's ports ({@link SidecarPorts}), or when
 * the pod runs to completion ({@code restartPolicy} Never/OnFailure) and native sidecars are off, since
 * a regular sidecar container would keep the Job from ever completing.
 */
public final class SidecarInjector {
  private final InjectionSettings settings;
  private final PolicyCompiler compiler;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  public SidecarInjector(InjectionSettings settings, PolicyCompiler compiler) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.compiler = Objects.requireNonNull(compiler, "compiler");
  }

  public SidecarInjector(InjectionSettings settings) {
    this(settings, new PolicyCompiler());
  }

  /**
   * @param namespace the namespace of the admission request (a pod being created may not carry one yet)
   * @param namespaceLabels labels of that namespace, empty when unknown
   * @param policies the CachePolicies of that namespace
   */
  public InjectionDecision decide(
      Pod pod, String namespace, Map<String, String> namespaceLabels, List<CachePolicy> policies) {
    PodSpec spec = pod.getSpec();
    if (spec == null || spec.getContainers() == null || spec.getContainers().isEmpty()) {
      return skip("pod has no containers");
    }
    if (alreadyInjected(spec)) {
      return skip("pod already has " + InjectionKeys.SIDECAR_NAME);
    }
    if (settings.isSystemNamespace(namespace)) {
      return skip("namespace " + namespace + " is a system namespace");
    }
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      return skip("pod uses hostNetwork");
    }
    if ("false".equals(PolicyResolution.annotations(pod).get(InjectionKeys.INJECT))) {
      return skip("pod opted out with " + InjectionKeys.INJECT + "=false");
    }
    return PolicyResolution.resolve(pod, namespace, namespaceLabels, policies,
        (policy, warnings) -> inject(pod, namespace, policy, warnings));
  }

  private InjectionDecision inject(Pod original, String namespace, CachePolicy policy, List<String> resolutionWarnings) {
    List<String> warnings = new ArrayList<>(resolutionWarnings);
    String policyName = policy.getMetadata().getName();
    PodSpec originalSpec = original.getSpec();
    if (policy.getSpec() == null || policy.getSpec().upstream() == null || policy.getSpec().upstream().port() == null) {
      return cannotInject(warnings, "CachePolicy " + policyName + " has no spec.upstream.port");
    }
    IntOrString upstream = policy.getSpec().upstream().port();
    Optional<PortTakeover> found = PortTakeover.find(originalSpec, upstream);
    if (found.isEmpty()) {
      String wanted = upstream.getStrVal() != null ? "named " + upstream.getStrVal() : "numbered " + upstream.getIntVal();
      return cannotInject(warnings, "no container port " + wanted + " (CachePolicy " + policyName
          + " spec.upstream.port): sidecar not injected");
    }
    if (usesSidecarPort(originalSpec)) {
      return cannotInject(warnings, "the pod already uses one of the ports " + settings.ports()
          + ", which the sidecar needs: sidecar not injected");
    }
    boolean runsToCompletion = "Never".equals(originalSpec.getRestartPolicy())
        || "OnFailure".equals(originalSpec.getRestartPolicy());
    if (runsToCompletion && !settings.nativeSidecars()) {
      return cannotInject(warnings, "restartPolicy " + originalSpec.getRestartPolicy()
          + " needs native sidecars (Kubernetes >= 1.29) to complete: sidecar not injected");
    }
    boolean nativeSidecar = settings.nativeSidecarFor(runsToCompletion);
    if (nativeSidecar && !settings.servicesReachSidecarPorts()) {
      warnings.add("native sidecar on a cluster older than 1.32: Services with a named targetPort do not reach it");
    }
    PortTakeover takeover = found.get();
    if (takeover.originalName() == null) {
      warnings.add("port " + takeover.number() + " has no name: Services reach the cache only through targetPort "
          + SidecarSpec.UNNAMED_PROXY_PORT + " or " + settings.ports().proxy() + "; name the port to take it over");
    }

    Map<String, String> annotations = PolicyResolution.annotations(original);
    String brokerSecret = policy.getSpec().broker() == null ? null : policy.getSpec().broker().secretName();
    Container sidecar = SidecarSpec.container(settings, takeover,
        SidecarResources.resolve(policy, settings, annotations, warnings), brokerSecret != null, nativeSidecar);

    Map<String, String> added = new LinkedHashMap<>();
    added.put(InjectionKeys.SIDECAR_VERSION, settings.sidecarVersion());
    added.put(InjectionKeys.INJECTED_POLICY, policyName);
    configHash(policy, warnings).ifPresent(hash -> added.put(InjectionKeys.CONFIG_HASH, hash));
    Pod pod = mutated(original, takeover, sidecar, nativeSidecar, SidecarSpec.volumes(policyName, brokerSecret), added);
    return new InjectionDecision.Inject(policyName, pod, warnings);
  }

  /** A copy of the pod with the port taken over, the sidecar and its volumes added, and the annotations set. */
  private Pod mutated(
      Pod original, PortTakeover takeover, Container sidecar, boolean nativeSidecar, List<Volume> sidecarVolumes,
      Map<String, String> addedAnnotations) {
    Pod pod = serialization.clone(original);
    PodSpec spec = pod.getSpec();
    takeover.applyTo(spec);
    if (nativeSidecar) {
      // First, so it is running before the other init containers and the app start.
      List<Container> init = new ArrayList<>();
      init.add(sidecar);
      if (spec.getInitContainers() != null) {
        init.addAll(spec.getInitContainers());
      }
      spec.setInitContainers(init);
    } else {
      List<Container> containers = new ArrayList<>(spec.getContainers());
      containers.add(sidecar);
      spec.setContainers(containers);
    }
    List<Volume> volumes = new ArrayList<>(spec.getVolumes() == null ? List.of() : spec.getVolumes());
    volumes.addAll(sidecarVolumes);
    spec.setVolumes(volumes);
    Map<String, String> annotations = new LinkedHashMap<>(PolicyResolution.annotations(original));
    annotations.putAll(addedAnnotations);
    pod.getMetadata().setAnnotations(annotations);
    return pod;
  }

  private Optional<String> configHash(CachePolicy policy, List<String> warnings) {
    try {
      return Optional.of(compiler.compile(policy).hash());
    } catch (InvalidPolicyException | IllegalArgumentException e) {
      warnings.add("CachePolicy " + policy.getMetadata().getName() + " does not compile (" + e.getMessage()
          + "): the sidecar starts with the last config the operator wrote");
      return Optional.empty();
    }
  }

  static boolean alreadyInjected(PodSpec spec) {
    return Containers.all(spec).anyMatch(c -> InjectionKeys.SIDECAR_NAME.equals(c.getName()));
  }

  private boolean usesSidecarPort(PodSpec spec) {
    Set<Integer> sidecarPorts = settings.ports().all();
    return Containers.ports(spec).map(ContainerPort::getContainerPort)
        .anyMatch(sidecarPorts::contains);
  }

  private static InjectionDecision cannotInject(List<String> warnings, String reason) {
    List<String> all = new ArrayList<>(warnings);
    all.add(reason);
    return new InjectionDecision.Skip(reason, all);
  }

  private static InjectionDecision skip(String reason) {
    return new InjectionDecision.Skip(reason, List.of());
  }
}
