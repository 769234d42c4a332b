package io.cachemesh.operator;

import io.cachemesh.api.units.Durations;
import io.cachemesh.operator.injection.SidecarPorts;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's configuration, from flags ({@code --name=value} or {@code --name value}) or the
 * environment ({@code CACHEMESH_NAME}, e.g. {@code CACHEMESH_METRICS_PORT}); a flag wins.
 *
 * @param namespaces namespaces to watch; empty means all
 * @param sidecarVersion the sidecar version injected pods should carry (pods annotated otherwise are outdated)
 * @param heartbeatInterval how often a policy's heartbeats and pods are re-read (bounded rate)
 * @param heartbeatMaxAge a heartbeat older than this is ignored
 * @param heartbeatPruneAfter a heartbeat older than this is deleted from Redis
 * @param brokerTimeout connect, socket and pool-wait timeout of every Redis operation
 * @param retryInitial first delay before retrying a broker operation that failed; doubles up to {@code retryMax}
 * @param leaderElection whether to take a Lease before reconciling (needed with more than one replica)
 * @param leaderElectionNamespace where the Lease lives; default: the operator's own namespace
 * @param exitOnLostLease exit the process when the lease is lost (JOSDK does not run for it
 *     again, so a replica that stays up would never reconcile again); Kubernetes restarts it
 * @param metricsPort port of /healthz, /readyz and /metrics; 0 picks a free one; -1 disables
 * @param webhooks the admission webhooks served by the same process
 */
public record OperatorSettings(
    Set<String> namespaces,
    String sidecarVersion,
    Duration heartbeatInterval,
    Duration heartbeatMaxAge,
    Duration heartbeatPruneAfter,
    Duration brokerTimeout,
    Duration retryInitial,
    Duration retryMax,
    boolean leaderElection,
    String leaderElectionNamespace,
    String leaseName,
    Duration leaseDuration,
    Duration leaseRenewDeadline,
    Duration leaseRetryPeriod,
    String identity,
    boolean exitOnLostLease,
    int metricsPort,
    WebhookSettings webhooks) {

  public static OperatorSettings defaults() {
    return parse(new String[0], Map.of());
  }

  /** Leader election on or off; an in-process replica (tests) must not exit the JVM when it loses the lease. */
  public OperatorSettings withLeaderElection(boolean enabled, String namespace, String identity, boolean exitOnLost) {
    return new OperatorSettings(namespaces, sidecarVersion, heartbeatInterval, heartbeatMaxAge, heartbeatPruneAfter,
        brokerTimeout, retryInitial, retryMax, enabled, namespace, leaseName, leaseDuration, leaseRenewDeadline,
        leaseRetryPeriod, identity, exitOnLost, metricsPort, webhooks);
  }

  public OperatorSettings withSidecarVersion(String version) {
    return new OperatorSettings(namespaces, version, heartbeatInterval, heartbeatMaxAge, heartbeatPruneAfter,
        brokerTimeout, retryInitial, retryMax, leaderElection, leaderElectionNamespace, leaseName, leaseDuration,
        leaseRenewDeadline, leaseRetryPeriod, identity, exitOnLostLease, metricsPort, webhooks);
  }

  public OperatorSettings withTimings(Duration heartbeat, Duration retryStart, Duration retryCap) {
    return new OperatorSettings(namespaces, sidecarVersion, heartbeat, heartbeatMaxAge, heartbeatPruneAfter,
        brokerTimeout, retryStart, retryCap, leaderElection, leaderElectionNamespace, leaseName, leaseDuration,
        leaseRenewDeadline, leaseRetryPeriod, identity, exitOnLostLease, metricsPort, webhooks);
  }

  public OperatorSettings withLease(Duration duration, Duration renewDeadline, Duration retryPeriod) {
    return new OperatorSettings(namespaces, sidecarVersion, heartbeatInterval, heartbeatMaxAge, heartbeatPruneAfter,
        brokerTimeout, retryInitial, retryMax, leaderElection, leaderElectionNamespace, leaseName, duration,
        renewDeadline, retryPeriod, identity, exitOnLostLease, metricsPort, webhooks);
  }

  public OperatorSettings withWebhooks(WebhookSettings settings) {
    return new OperatorSettings(namespaces, sidecarVersion, heartbeatInterval, heartbeatMaxAge, heartbeatPruneAfter,
        brokerTimeout, retryInitial, retryMax, leaderElection, leaderElectionNamespace, leaseName, leaseDuration,
        leaseRenewDeadline, leaseRetryPeriod, identity, exitOnLostLease, metricsPort, settings);
  }

  /**
   * @throws IllegalArgumentException naming the flag and the reason
   */
  public static OperatorSettings parse(String[] args, Map<String, String> env) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "' (flags look like --name=value)");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        flags.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        flags.put(arg.substring(2), args[++i]);
      } else {
        flags.put(arg.substring(2), "true");
      }
    }
    Source in = new Source(flags, env);
    String image = in.get("sidecar-image", WebhookSettings.defaultImage());
    // The version injected pods are annotated with follows the image unless set: one flag to upgrade.
    String imageTag = WebhookSettings.tagOf(image);
    String certDir = in.get("cert-dir", null);
    WebhookSettings webhooks = new WebhookSettings(
        in.bool("webhooks", true),
        in.integer("webhook-port", 9443),
        in.get("webhook-service", "cachemesh-webhook"),
        in.get("webhook-namespace", env.get("POD_NAMESPACE")),
        in.get("webhook-secret", "cachemesh-webhook-tls"),
        in.get("mutating-webhook-config", "cachemesh-sidecar-injector"),
        in.get("validating-webhook-config", "cachemesh-validation"),
        certDir == null || certDir.isBlank() ? null : Path.of(certDir),
        image,
        WebhookSettings.NativeSidecars.parse("native-sidecars", in.get("native-sidecars", "auto")),
        kubernetesVersion(in.get("kubernetes-version", null)),
        in.duration("cert-check-interval", "1m"),
        sidecarResources(in),
        new SidecarPorts(
            in.integer("sidecar-proxy-port", SidecarPorts.DEFAULTS.proxy()),
            in.integer("sidecar-admin-port", SidecarPorts.DEFAULTS.admin()),
            in.integer("sidecar-ops-port", SidecarPorts.DEFAULTS.ops())));
    OperatorSettings settings = new OperatorSettings(
        Arrays.stream(in.get("namespace", "").split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()),
        in.get("sidecar-version", imageTag != null ? imageTag : ProjectVersion.get()),
        in.duration("heartbeat-interval", "15s"),
        in.duration("heartbeat-max-age", "30s"),
        in.duration("heartbeat-prune-after", "5m"),
        in.duration("broker-timeout", "1500ms"),
        in.duration("retry-initial", "2s"),
        in.duration("retry-max", "5m"),
        in.bool("leader-election", true),
        in.get("leader-election-namespace", env.get("POD_NAMESPACE")),
        in.get("lease-name", "cachemesh-operator"),
        in.duration("lease-duration", "15s"),
        in.duration("lease-renew-deadline", "10s"),
        in.duration("lease-retry-period", "2s"),
        in.get("identity", env.getOrDefault("POD_NAME", env.get("HOSTNAME"))),
        in.bool("exit-on-lost-lease", true),
        in.integer("metrics-port", 8080),
        webhooks);
    flags.keySet().removeAll(in.used);
    if (!flags.isEmpty()) {
      throw new IllegalArgumentException("unknown flag(s): --" + String.join(", --", flags.keySet()));
    }
    if (settings.heartbeatInterval().isZero()) {
      throw new IllegalArgumentException("--heartbeat-interval: must be more than 0s (a zero interval is a hot loop)");
    }
    if (webhooks.certCheckInterval().isZero()) {
      throw new IllegalArgumentException("--cert-check-interval: must be more than 0s");
    }
    if (webhooks.port() < 0 || webhooks.port() > 65535) {
      throw new IllegalArgumentException("--webhook-port: " + webhooks.port() + " is not a port (0-65535)");
    }
    return settings;
  }

  /** {@code major.minor} ({@code 1.30}, or {@code v1.30.2}: the patch is ignored). */
  private static String kubernetesVersion(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    if (!text.matches("v?\\d+\\.\\d+(\\..*)?")) {
      throw new IllegalArgumentException("--kubernetes-version: '" + text + "' is not major.minor (e.g. 1.31)");
    }
    return text;
  }

  private static final class Source {
    private final Map<String, String> flags;
    private final Map<String, String> env;
    private final java.util.Set<String> used = new java.util.HashSet<>();

    Source(Map<String, String> flags, Map<String, String> env) {
      this.flags = flags;
      this.env = env;
    }

    String get(String name, String fallback) {
      used.add(name);
      String value = flags.get(name);
      if (value == null) {
        value = env.get("CACHEMESH_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
      }
      return value == null ? fallback : value;
    }

    Duration duration(String name, String fallback) {
      String text = get(name, fallback);
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
      }
    }

    int integer(String name, int fallback) {
      String text = get(name, String.valueOf(fallback));
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + ": '" + text + "' is not a number");
      }
    }

    boolean bool(String name, boolean fallback) {
      String text = get(name, String.valueOf(fallback));
      return switch (text) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException("--" + name + ": '" + text + "' is not true or false");
      };
    }
  }

  /**
   * The sidecar's default resources: requests 50m CPU and 64Mi memory, a 128Mi memory limit, and no
   * CPU limit unless asked for (a CPU limit only adds throttling latency to every cached response).
   */
  private static ResourceRequirements sidecarResources(Source in) {
    ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder()
        .addToRequests("cpu", quantity("sidecar-cpu-request", in.get("sidecar-cpu-request", "50m")))
        .addToRequests("memory", quantity("sidecar-memory-request", in.get("sidecar-memory-request", "64Mi")))
        .addToLimits("memory", quantity("sidecar-memory-limit", in.get("sidecar-memory-limit", "128Mi")));
    String cpuLimit = in.get("sidecar-cpu-limit", null);
    if (cpuLimit != null && !cpuLimit.isBlank()) {
      resources.addToLimits("cpu", quantity("sidecar-cpu-limit", cpuLimit));
    }
    return resources.build();
  }

  private static Quantity quantity(String flag, String text) {
    try {
      Quantity quantity = new Quantity(text);
      if (Quantity.getAmountInBytes(quantity).signum() <= 0) {
        throw new IllegalArgumentException("--" + flag + ": '" + text + "' must be more than zero");
      }
      return quantity;
    } catch (IllegalArgumentException | ArithmeticException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("--")) {
        throw e;
      }
      throw new IllegalArgumentException("--" + flag + ": '" + text + "' is not a quantity (e.g. 50m, 64Mi)");
    }
  }
}
