package io.cachemesh.operator.injection;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.stream.Stream;

/** Views over every container of a pod, init containers included. */
final class Containers {
  private Containers() {}

  static Stream<Container> all(PodSpec spec) {
    return Stream.concat(
        spec.getContainers() == null ? Stream.empty() : spec.getContainers().stream(),
        spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream());
  }

  static Stream<ContainerPort> ports(PodSpec spec) {
    return all(spec).filter(c -> c.getPorts() != null).flatMap(c -> c.getPorts().stream());
  }
}
