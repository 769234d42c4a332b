package io.cachemesh.operator.injection;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds Services that bypass the sidecar: a Service whose selector selects the pod and whose
 * numeric {@code targetPort} is the app's port number sends traffic straight to the app, because
 * only a port <em>name</em> can be taken over. A pod admission cannot see Services, so the operator
 * runs this and reports the result (Event and policy status) with the fix.
 */
public final class NumericTargetPortCheck {
  /** One Service port that bypasses the cache, and the message telling how to fix it. */
  public record Finding(String service, String servicePort, int targetPort, String message) {}

  private NumericTargetPortCheck() {}

  /**
   * @param podLabels the labels of an injected pod
   * @param appPort the app's port number (the one the sidecar forwards to)
   * @param appPortName the name the sidecar took over, or null when the app port had none
   */
  public static List<Finding> check(List<Service> services, Map<String, String> podLabels, int appPort, String appPortName) {
    List<Finding> findings = new ArrayList<>();
    for (Service service : services) {
      Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
      if (selector == null || selector.isEmpty() || !selects(selector, podLabels)) {
        continue;
      }
      for (ServicePort port : service.getSpec().getPorts() == null ? List.<ServicePort>of() : service.getSpec().getPorts()) {
        Integer target = port.getTargetPort() == null ? port.getPort() : port.getTargetPort().getIntVal();
        if (target != null && target == appPort) {
          String name = service.getMetadata().getName();
          String portLabel = port.getName() == null ? String.valueOf(port.getPort()) : port.getName();
          String fix = appPortName == null
              ? "name the app's container port and use targetPort: <that name>"
              : "use targetPort: " + appPortName;
          findings.add(new Finding(name, portLabel, appPort, "Service " + name + " port " + portLabel
              + " targets port " + appPort + " by number, which bypasses the cachemesh sidecar: " + fix));
        }
      }
    }
    return findings;
  }

  /**
   * The findings for one pod a policy selects. For an injected pod the app port is where its sidecar
   * forwards and the name is the sidecar's proxy port; for a pod not injected (yet), what would bypass
   * the sidecar once it is: the app port {@code upstream} names, and that port's name.
   */
  public static List<Finding> forPod(List<Service> services, Pod pod, IntOrString upstream) {
    PodSpec spec = pod.getSpec();
    if (spec == null || upstream == null) {
      return List.of();
    }
    Map<String, String> labels = pod.getMetadata().getLabels();
    Optional<Container> sidecar = Containers.all(spec).filter(c -> InjectionKeys.SIDECAR_NAME.equals(c.getName())).findFirst();
    if (sidecar.isEmpty()) {
      return PortTakeover.find(spec, upstream)
          .map(takeover -> check(services, labels, takeover.number(), takeover.originalName()))
          .orElse(List.of());
    }
    List<String> args = sidecar.get().getArgs();
    Integer appPort = portArgument(args, "--upstream");
    // The proxy port from the sidecar's own arguments: the pod may have been injected with other --sidecar-proxy-port.
    Integer proxyPort = portArgument(args, SidecarSpec.LISTEN);
    String proxyName = sidecar.get().getPorts() == null || proxyPort == null ? null : sidecar.get().getPorts().stream()
        .filter(p -> proxyPort.equals(p.getContainerPort()))
        .map(ContainerPort::getName).filter(Objects::nonNull).findFirst().orElse(null);
    return appPort == null ? List.of() : check(services, labels, appPort, proxyName);
  }

  /** The port of a sidecar argument ending in {@code :<port>} ({@code --upstream http://127.0.0.1:8080}, {@code --listen 0.0.0.0:15080}). */
  private static Integer portArgument(List<String> args, String flag) {
    int at = args == null ? -1 : args.indexOf(flag);
    if (at < 0 || at + 1 >= args.size()) {
      return null;
    }
    String url = args.get(at + 1);
    try {
      return Integer.valueOf(url.substring(url.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return labels != null && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
