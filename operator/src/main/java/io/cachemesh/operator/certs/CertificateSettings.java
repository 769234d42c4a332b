package io.cachemesh.operator.certs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the webhook gets its serving certificate.
 *
 * @param service the webhook Service's name; the leaf is for {@code <service>.<namespace>.svc} and
 *     {@code .svc.cluster.local}
 * @param namespace the operator's namespace, where the Secret lives
 * @param secretName the Secret holding the certificates ({@code cachemesh-webhook-tls})
 * @param mutatingWebhooks names of the MutatingWebhookConfigurations whose caBundle is kept current
 * @param validatingWebhooks names of the ValidatingWebhookConfigurations whose caBundle is kept current
 * @param caValidity lifetime of a generated CA
 * @param leafValidity lifetime of a generated serving certificate
 * @param certManager when true nothing is generated: {@code tls.crt}/{@code tls.key} are read from
 *     {@code certDirectory} (a mounted cert-manager Secret) and reloaded when they change, and
 *     cert-manager's CA injector owns the caBundle
 */
public record CertificateSettings(
    String service,
    String namespace,
    String secretName,
    List<String> mutatingWebhooks,
    List<String> validatingWebhooks,
    Duration caValidity,
    Duration leafValidity,
    boolean certManager,
    Path certDirectory) {

  public static final String DEFAULT_SECRET = "cachemesh-webhook-tls";
  public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(365);

  public CertificateSettings {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(secretName, "secretName");
    mutatingWebhooks = List.copyOf(mutatingWebhooks);
    validatingWebhooks = List.copyOf(validatingWebhooks);
    if (certManager && certDirectory == null) {
      throw new IllegalArgumentException("certDirectory is required when certManager is true");
    }
    if (!certManager && (caValidity == null || leafValidity == null || leafValidity.compareTo(caValidity) > 0)) {
      throw new IllegalArgumentException("caValidity and leafValidity are required, and leafValidity <= caValidity");
    }
  }

  /** Self-managed certificates with the default Secret name and lifetimes. */
  public static CertificateSettings generated(
      String service, String namespace, List<String> mutatingWebhooks, List<String> validatingWebhooks) {
    return new CertificateSettings(service, namespace, DEFAULT_SECRET, mutatingWebhooks, validatingWebhooks,
        DEFAULT_CA_VALIDITY, DEFAULT_LEAF_VALIDITY, false, null);
  }

  public List<String> dnsNames() {
    return List.of(service + "." + namespace + ".svc", service + "." + namespace + ".svc.cluster.local");
  }
}
