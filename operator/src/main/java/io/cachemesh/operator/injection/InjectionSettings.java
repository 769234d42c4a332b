package io.cachemesh.operator.injection;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Objects;
import java.util.Set;

/**
 * How the sidecar is injected, set by the operator's deployment (the chart) rather than by a policy.
 *
 * @param sidecarImage the image of the {@code cachemesh-sidecar} container
 * @param sidecarVersion recorded on the pod ({@code cachemesh.io/sidecar-version}) so the operator can
 *     report pods running an older sidecar
 * @param nativeSidecars the cluster runs native sidecars (init containers with {@code restartPolicy:
 *     Always}): Kubernetes &gt;= 1.29, see {@link #nativeSidecarsSupported(int, int)}
 * @param servicesReachSidecarPorts a Service's named {@code targetPort} resolves to a native
 *     sidecar's port: Kubernetes &gt;= 1.32 (kubernetes/kubernetes#127958; before, endpoints only
 *     look at regular containers, so taking over the port from an init container would leave the
 *     Service without endpoints). Without it, long-running pods get a regular sidecar container.
 * @param operatorNamespace never injected, as the system namespaces
 * @param defaultResources used when the policy has no {@code spec.sidecar.resources}
 * @param ports the sidecar's proxy, admin and ops ports
 */
public record InjectionSettings(
    String sidecarImage,
    String sidecarVersion,
    boolean nativeSidecars,
    boolean servicesReachSidecarPorts,
    String operatorNamespace,
    ResourceRequirements defaultResources,
    SidecarPorts ports) {

  public static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease");

  public InjectionSettings {
    Objects.requireNonNull(sidecarImage, "sidecarImage");
    Objects.requireNonNull(sidecarVersion, "sidecarVersion");
    Objects.requireNonNull(operatorNamespace, "operatorNamespace");
    Objects.requireNonNull(defaultResources, "defaultResources");
    Objects.requireNonNull(ports, "ports");
  }

  /** Requests 50m CPU and 64Mi memory, a 128Mi memory limit and no CPU limit (CPU limits only add throttling latency). */
  public static ResourceRequirements builtInResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", new Quantity("64Mi"))
        .addToLimits("memory", new Quantity("128Mi"))
        .build();
  }

  /** Native sidecars on or off, with built-in resources; on means a cluster where Services reach them (>= 1.32). */
  public static InjectionSettings of(String image, String version, boolean nativeSidecars, String operatorNamespace) {
    return new InjectionSettings(image, version, nativeSidecars, nativeSidecars, operatorNamespace, builtInResources(),
        SidecarPorts.DEFAULTS);
  }

  /** The same settings with other default sidecar resources (the operator's {@code --sidecar-*} flags). */
  public InjectionSettings withDefaultResources(ResourceRequirements resources) {
    return new InjectionSettings(sidecarImage, sidecarVersion, nativeSidecars, servicesReachSidecarPorts,
        operatorNamespace, resources, ports);
  }

  /** The same settings with other sidecar ports (the operator's {@code --sidecar-*-port} flags). */
  public InjectionSettings withPorts(SidecarPorts newPorts) {
    return new InjectionSettings(sidecarImage, sidecarVersion, nativeSidecars, servicesReachSidecarPorts,
        operatorNamespace, defaultResources, newPorts);
  }

  /** From the API server's version ({@code VersionInfo} major and minor strings). */
  public static InjectionSettings forCluster(String image, String version, String major, String minor, String operatorNamespace) {
    return new InjectionSettings(image, version, nativeSidecarsSupported(major, minor),
        atLeast(major, minor, 32), operatorNamespace, builtInResources(),
        SidecarPorts.DEFAULTS);
  }

  /**
   * Whether this pod gets a native sidecar: always when the cluster has them and Services reach
   * them; for pods that run to completion also on 1.29-1.31, because there a regular container would
   * keep the pod from ever completing.
   */
  public boolean nativeSidecarFor(boolean runsToCompletion) {
    return nativeSidecars && (servicesReachSidecarPorts || runsToCompletion);
  }

  /** Native sidecars are on by default from Kubernetes 1.29. */
  public static boolean nativeSidecarsSupported(int major, int minor) {
    return major > 1 || (major == 1 && minor >= 29);
  }

  private static boolean atLeast(String major, String minor, int wantedMinor) {
    try {
      int ma = Integer.parseInt(digits(major));
      return ma > 1 || (ma == 1 && Integer.parseInt(digits(minor)) >= wantedMinor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The same from the API server's version strings ({@code VersionInfo} major and minor), which some
   * providers suffix ({@code "29+"}); unreadable versions count as old, so injection stays safe.
   */
  public static boolean nativeSidecarsSupported(String major, String minor) {
    return atLeast(major, minor, 29);
  }

  private static String digits(String version) {
    return version == null ? "" : version.replaceAll("[^0-9].*$", "");
  }

  public boolean isSystemNamespace(String namespace) {
    return SYSTEM_NAMESPACES.contains(namespace) || operatorNamespace.equals(namespace);
  }
}
