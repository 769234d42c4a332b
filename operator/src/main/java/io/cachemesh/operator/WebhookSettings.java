package io.cachemesh.operator;

import io.cachemesh.operator.injection.SidecarPorts;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The admission webhooks' part of the operator's configuration (flags {@code --webhook-*},
 * {@code --cert-dir}, {@code --sidecar-image}, {@code --native-sidecars}, {@code --kubernetes-version}).
 *
 * @param enabled serve the webhooks in this process; false runs only the reconcilers
 * @param port HTTPS port of the webhook server
 * @param service the webhook Service's name: the serving certificate is for {@code <service>.<namespace>.svc}
 * @param namespace the operator's namespace (Service and Secret); null means the client's namespace
 *     (the pod's own in a cluster)
 * @param secret the Secret holding the self-managed CA and serving certificate
 * @param mutatingConfig the MutatingWebhookConfiguration whose caBundle is kept current
 * @param validatingConfig the ValidatingWebhookConfiguration whose caBundle is kept current
 * @param certDir when set, cert-manager mode: {@code tls.crt}, {@code tls.key} and {@code ca.crt} are
 *     read from this directory and reloaded when they change; no Secret is written, no caBundle patched
 * @param sidecarImage the injected sidecar's image
 * @param nativeSidecars whether the sidecar is a native sidecar (an init container with
 *     {@code restartPolicy: Always}); {@code AUTO} derives it from the API server's version
 * @param kubernetesVersion {@code major.minor} used instead of asking the API server (tests,
 *     clusters that hide their version); null asks
 * @param certCheckInterval how often certificates are checked: renewed when due, reloaded when
 *     another replica renewed them, caBundles re-patched when someone reset them
 * @param sidecarResources the injected sidecar's resources when the policy sets none
 *     ({@code --sidecar-cpu-request}, {@code --sidecar-memory-request}, {@code --sidecar-memory-limit},
 *     {@code --sidecar-cpu-limit})
 * @param sidecarPorts the injected sidecar's proxy, admin and ops ports ({@code --sidecar-proxy-port},
 *     {@code --sidecar-admin-port}, {@code --sidecar-ops-port})
 */
public record WebhookSettings(
    boolean enabled,
    int port,
    String service,
    String namespace,
    String secret,
    String mutatingConfig,
    String validatingConfig,
    Path certDir,
    String sidecarImage,
    NativeSidecars nativeSidecars,
    String kubernetesVersion,
    Duration certCheckInterval,
    ResourceRequirements sidecarResources,
    SidecarPorts sidecarPorts) {

  public static final String IMAGE_REPOSITORY = "ghcr.io/cachemesh/sidecar";

  /** {@code --native-sidecars}: {@code auto}, {@code true} or {@code false}. */
  public enum NativeSidecars {
    AUTO, ON, OFF;

    static NativeSidecars parse(String flag, String text) {
      return switch (text) {
        case "auto" -> AUTO;
        case "true" -> ON;
        case "false" -> OFF;
        default -> throw new IllegalArgumentException("--" + flag + ": '" + text + "' is not auto, true or false");
      };
    }
  }

  public static String defaultImage() {
    return IMAGE_REPOSITORY + ":" + ProjectVersion.get();
  }

  /** The tag of an image reference ({@code repo/name:tag}, optionally {@code @digest}); null when it has none. */
  public static String tagOf(String image) {
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : null;
  }

  public WebhookSettings withPort(int newPort) {
    return new WebhookSettings(enabled, newPort, service, namespace, secret, mutatingConfig, validatingConfig, certDir,
        sidecarImage, nativeSidecars, kubernetesVersion, certCheckInterval, sidecarResources, sidecarPorts);
  }

  public WebhookSettings withEnabled(boolean on) {
    return new WebhookSettings(on, port, service, namespace, secret, mutatingConfig, validatingConfig, certDir,
        sidecarImage, nativeSidecars, kubernetesVersion, certCheckInterval, sidecarResources, sidecarPorts);
  }
}
