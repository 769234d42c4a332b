package io.cachemesh.operator.injection;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The app port the sidecar takes over. The app's port named by {@code upstream.port} is renamed
 * ({@code http} becomes {@code app-http}) and the sidecar's proxy port takes the original name, so a
 * Service whose {@code targetPort} is that name reaches the sidecar with no change to the Service.
 *
 * @param container index of the app container (in {@code spec.containers}) owning the port
 * @param port index of the port in that container
 * @param originalName the port's name, null when the port has none (then nothing is renamed)
 * @param renamed the app port's new name, null when {@code originalName} is
 * @param number the app's port number: where the sidecar forwards and where probes go
 */
record PortTakeover(int container, int port, String originalName, String renamed, int number) {
  /** Kubernetes' limit on a port name (IANA_SVC_NAME). */
  static final int MAX_PORT_NAME = 15;
  private static final String PREFIX = "app-";

  /** The app port named or numbered by {@code upstream}, looked up in the pod's regular containers. */
  static Optional<PortTakeover> find(PodSpec spec, IntOrString upstream) {
    List<Container> containers = spec.getContainers();
    for (int c = 0; c < containers.size(); c++) {
      List<ContainerPort> ports = containers.get(c).getPorts() == null ? List.of() : containers.get(c).getPorts();
      for (int p = 0; p < ports.size(); p++) {
        ContainerPort port = ports.get(p);
        if (port == null || port.getContainerPort() == null) {
          continue;
        }
        boolean byName = upstream.getStrVal() != null && upstream.getStrVal().equals(port.getName());
        boolean byNumber = upstream.getIntVal() != null && upstream.getIntVal().equals(port.getContainerPort());
        if (byName || byNumber) {
          String name = port.getName();
          return Optional.of(new PortTakeover(
              c, p, name, name == null ? null : rename(name, usedNames(spec)), port.getContainerPort()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code app-<name>}, cut to 15 characters; when that collides with a name the pod already uses,
   * the tail is replaced by a hash of the name. Deterministic, so re-invocation gives the same pod.
   */
  static String rename(String name, Set<String> used) {
    String candidate = trimDashes(cut(PREFIX + name, MAX_PORT_NAME));
    if (!used.contains(candidate)) {
      return candidate;
    }
    // String.hashCode is specified by the JLS, so the name is the same on every operator replica.
    String tail = "-" + String.format(Locale.ROOT, "%04x", name.hashCode() & 0xffff);
    return trimDashes(cut(PREFIX + name, MAX_PORT_NAME - tail.length())) + tail;
  }

  /**
   * Renames the app port and points whatever in the app container used the old name at the number:
   * its probes (so they never go through the cache) and its lifecycle hooks (the kubelet resolves a
   * named port against the container's own ports, where the old name no longer exists).
   */
  void applyTo(PodSpec spec) {
    Container app = spec.getContainers().get(container);
    if (originalName == null) {
      return;
    }
    app.getPorts().get(port).setName(renamed);
    Stream.of(app.getLivenessProbe(), app.getReadinessProbe(), app.getStartupProbe())
        .filter(Objects::nonNull)
        .forEach(p -> pointAtNumber(p.getHttpGet(), p.getTcpSocket()));
    if (app.getLifecycle() != null) {
      Stream.of(app.getLifecycle().getPostStart(), app.getLifecycle().getPreStop())
          .filter(Objects::nonNull)
          .forEach(h -> pointAtNumber(h.getHttpGet(), h.getTcpSocket()));
    }
  }

  private void pointAtNumber(HTTPGetAction httpGet, TCPSocketAction tcpSocket) {
    if (httpGet != null && refersToName(httpGet.getPort())) {
      httpGet.setPort(new IntOrString(number));
    }
    if (tcpSocket != null && refersToName(tcpSocket.getPort())) {
      tcpSocket.setPort(new IntOrString(number));
    }
  }

  private boolean refersToName(IntOrString port) {
    return port != null && originalName.equals(port.getStrVal());
  }

  static Set<String> usedNames(PodSpec spec) {
    Set<String> names = new HashSet<>();
    Containers.ports(spec).map(ContainerPort::getName).filter(n -> n != null).forEach(names::add);
    return names;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String trimDashes(String s) {
    String out = s;
    while (out.endsWith("-")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }
}
