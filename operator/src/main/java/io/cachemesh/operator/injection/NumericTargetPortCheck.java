package io.cachemesh.operator.injection;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return labels != null && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
