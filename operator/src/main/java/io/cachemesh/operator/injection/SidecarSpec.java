package io.cachemesh.operator.injection;

import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/** The injected container and its volumes, built from resolved values only (no lookups, no defaults here). */
final class SidecarSpec {
  static final String CONFIG_VOLUME = "cachemesh-config";
  static final String BROKER_VOLUME = "cachemesh-broker";
  static final String CONFIG_DIR = "/etc/cachemesh";
  static final String BROKER_DIR = "/etc/cachemesh/broker";
  /** Used when the app port has no name to give to the sidecar. */
  static final String UNNAMED_PROXY_PORT = "cachemesh-http";
  static final String OPS_PORT_NAME = "cachemesh-ops";
  static final long RUN_AS_USER = 65532L;
  /** The sidecar's serving address flag: its port is the proxy port, whatever the operator's settings were then. */
  static final String LISTEN = "--listen";

  private SidecarSpec() {}

  static Container container(
      InjectionSettings settings, PortTakeover takeover,
      ResourceRequirements resources, boolean hasBroker, boolean nativeSidecar) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(CONFIG_VOLUME, CONFIG_DIR));
    if (hasBroker) {
      mounts.add(mount(BROKER_VOLUME, BROKER_DIR));
    }
    ContainerBuilder builder = new ContainerBuilder()
        .withName(InjectionKeys.SIDECAR_NAME)
        .withImage(settings.sidecarImage())
        .withArgs(
            "--config", CONFIG_DIR + "/config.json",
            "--upstream", "http://127.0.0.1:" + takeover.number(),
            LISTEN, "0.0.0.0:" + settings.ports().proxy(),
            "--admin-listen", "127.0.0.1:" + settings.ports().admin(),
            "--ops-listen", "0.0.0.0:" + settings.ports().ops())
        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
            .withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
            .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
        .withPorts(ports(takeover, settings.ports()))
        .withVolumeMounts(mounts)
        .withResources(resources)
        .withSecurityContext(restricted())
        .withReadinessProbe(opsProbe("/ready", settings.ports().ops()))
        .withLivenessProbe(opsProbe("/healthz", settings.ports().ops()));
    if (nativeSidecar) {
      builder.withRestartPolicy("Always");
    }
    return builder.build();
  }

  static List<Volume> volumes(String policy, String brokerSecret) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName(CONFIG_VOLUME)
        .withNewConfigMap().withName(InjectionKeys.configMapName(policy)).endConfigMap().build());
    if (brokerSecret != null) {
      volumes.add(new VolumeBuilder().withName(BROKER_VOLUME)
          .withNewSecret().withSecretName(brokerSecret).endSecret().build());
    }
    return volumes;
  }

  private static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
  }

  private static List<ContainerPort> ports(PortTakeover takeover, SidecarPorts ports) {
    String proxyName = takeover.originalName() == null ? UNNAMED_PROXY_PORT : takeover.originalName();
    return List.of(
        new ContainerPortBuilder().withName(proxyName).withContainerPort(ports.proxy())
            .withProtocol("TCP").build(),
        new ContainerPortBuilder().withName(OPS_PORT_NAME).withContainerPort(ports.ops())
            .withProtocol("TCP").build());
  }

  /** Passes the restricted Pod Security Standard; never NET_ADMIN (the sidecar does not touch iptables). */
  private static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS_USER)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withCapabilities(new CapabilitiesBuilder().withDrop("ALL").build())
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  private static Probe opsProbe(String path, int port) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString(port)).endHttpGet()
        .withPeriodSeconds(5)
        .withFailureThreshold(3)
        .build();
  }
}
