package io.cachemesh.e2e.harness;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Plays the kubelet for the injected sidecar of each pod: projects the mounted ConfigMap into a
 * directory the way a volume does (and keeps it in step with the API server: rewritten on change,
 * emptied on delete), resolves the container's env (values and the downward API), moves its
 * listeners to free loopback ports and the mount paths to that directory, and runs
 * {@code sidecar.jar} with the rest of the injected args as they are.
 */
public final class Kubelet implements AutoCloseable {
  public static final String SIDECAR_CONTAINER = "cachemesh-sidecar";
  private static final Set<String> LISTEN_FLAGS = Set.of("--listen", "--admin-listen", "--ops-listen");
  /**
   * Mount paths the sidecar looks at by default, with no arg naming them: the harness cannot mount
   * at an absolute path, so it names the projected directory with the sidecar's flag for it.
   */
  private static final Map<String, String> DEFAULT_PATHS = Map.of("/etc/cachemesh/broker", "--broker-dir");

  private final KubernetesClient client;
  private final String namespace;
  private final Path root;
  private final Map<String, SidecarProcess> sidecars = new ConcurrentHashMap<>();
  /** Registered before the first write, so that no ConfigMap change between that read and the start is missed. */
  private final Map<String, List<ConfigVolume>> volumes = new ConcurrentHashMap<>();
  private final SharedIndexInformer<ConfigMap> configMaps;

  private record ConfigVolume(String configMap, Path dir) {}

  public Kubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.root = E2eDirs.workDir("kubelet");
    this.configMaps = client.configMaps().inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap cm) {
        project(cm.getMetadata().getName(), cm);
      }

      @Override
      public void onUpdate(ConfigMap old, ConfigMap cm) {
        project(cm.getMetadata().getName(), cm);
      }

      @Override
      public void onDelete(ConfigMap cm, boolean unknownFinalState) {
        project(cm.getMetadata().getName(), null);
      }
    });
  }

  /** Starts the sidecar of a stored, injected pod and waits until it is ready. */
  public SidecarProcess run(Pod pod) {
    String name = pod.getMetadata().getName();
    Container sidecar = sidecarContainer(pod);
    Path podDir = root.resolve(name);
    Map<String, Path> mounts = new LinkedHashMap<>();
    List<ConfigVolume> configVolumes = new java.util.concurrent.CopyOnWriteArrayList<>();
    volumes.put(name, configVolumes);
    for (VolumeMount mount : sidecar.getVolumeMounts()) {
      Path dir = podDir.resolve(mount.getName());
      mounts.put(mount.getMountPath(), dir);
      Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElseThrow(() -> new IllegalStateException(name + ": no volume " + mount.getName()));
      directory(dir);
      if (volume.getConfigMap() != null) {
        ConfigVolume config = new ConfigVolume(volume.getConfigMap().getName(), dir);
        configVolumes.add(config);
        // As the kubelet: a pod whose ConfigMap volume does not exist yet waits for it (bounded here).
        ConfigMap content = org.awaitility.Awaitility.await(name + " waits for ConfigMap " + config.configMap())
            .atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
            .until(() -> client.configMaps().inNamespace(namespace).withName(config.configMap()).get(),
                java.util.Objects::nonNull);
        write(config, content);
      } else if (volume.getSecret() != null) {
        projectSecret(volume.getSecret().getSecretName(), dir);
      }
    }
    SidecarProcess process = SidecarProcess.start("sidecar-" + name, args(sidecar.getArgs(), mounts), env(pod, sidecar));
    sidecars.put(name, process);
    return process;
  }

  /** Stops the pod's sidecar (SIGTERM, as on pod deletion) and deletes the pod object. */
  public void delete(String podName) {
    volumes.remove(podName);
    SidecarProcess sidecar = sidecars.remove(podName);
    if (sidecar != null) {
      sidecar.close();
    }
    client.pods().inNamespace(namespace).withName(podName).delete();
  }

  private static Container sidecarContainer(Pod pod) {
    return Stream.concat(
            pod.getSpec().getInitContainers() == null ? Stream.empty() : pod.getSpec().getInitContainers().stream(),
            pod.getSpec().getContainers().stream())
        .filter(c -> SIDECAR_CONTAINER.equals(c.getName()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("pod " + pod.getMetadata().getName() + " was not injected"));
  }

  private static List<String> args(List<String> injected, Map<String, Path> mounts) {
    List<String> args = new ArrayList<>();
    DEFAULT_PATHS.forEach((mountPath, flag) -> {
      if (mounts.containsKey(mountPath) && !injected.contains(flag)) {
        args.add(flag);
        args.add(mounts.get(mountPath).toString());
      }
    });
    for (int i = 0; i < injected.size(); i++) {
      String arg = injected.get(i);
      if (LISTEN_FLAGS.contains(arg) && i + 1 < injected.size()) {
        args.add(arg);
        args.add("127.0.0.1:" + E2eDirs.freePort());
        i++;
        continue;
      }
      for (Map.Entry<String, Path> mount : mounts.entrySet()) {
        if (arg.startsWith(mount.getKey() + "/")) {
          arg = mount.getValue().resolve(arg.substring(mount.getKey().length() + 1)).toString();
        }
      }
      args.add(arg);
    }
    return args;
  }

  private static Map<String, String> env(Pod pod, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
        env.put(var.getName(), switch (var.getValueFrom().getFieldRef().getFieldPath()) {
          case "metadata.name" -> pod.getMetadata().getName();
          case "metadata.namespace" -> pod.getMetadata().getNamespace();
          default -> throw new IllegalStateException("downward API field not played by the harness: "
              + var.getValueFrom().getFieldRef().getFieldPath());
        });
      } else {
        throw new IllegalStateException("env " + var.getName() + ": source not played by the harness");
      }
    }
    return env;
  }

  private void project(String configMap, ConfigMap content) {
    for (List<ConfigVolume> mounted : volumes.values()) {
      for (ConfigVolume volume : mounted) {
        if (volume.configMap().equals(configMap)) {
          write(volume, content);
        }
      }
    }
  }

  /** Each key a file, replaced atomically (the kubelet swaps a symlink); all gone when the ConfigMap is. */
  private static synchronized void write(ConfigVolume volume, ConfigMap content) {
    Map<String, String> data = content == null || content.getData() == null ? Map.of() : content.getData();
    try (Stream<Path> files = Files.list(volume.dir())) {
      for (Path file : files.toList()) {
        if (!data.containsKey(file.getFileName().toString())) {
          Files.delete(file);
        }
      }
      for (Map.Entry<String, String> entry : data.entrySet()) {
        Path target = volume.dir().resolve(entry.getKey());
        if (Files.exists(target) && Files.readString(target, StandardCharsets.UTF_8).equals(entry.getValue())) {
          continue;
        }
        Path tmp = volume.dir().resolve(".." + entry.getKey() + ".tmp");
        Files.writeString(tmp, entry.getValue(), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Secrets are projected once at start (the sidecar reads them when it connects). */
  private void projectSecret(String name, Path dir) {
    io.fabric8.kubernetes.api.model.Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException("secret " + name + " does not exist: the kubelet would not start the pod");
    }
    Map<String, String> files = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> files.put(k,
          new String(java.util.Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      files.putAll(secret.getStringData());
    }
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void directory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    configMaps.close();
    sidecars.values().forEach(SidecarProcess::close);
    sidecars.clear();
    volumes.clear();
  }
}
