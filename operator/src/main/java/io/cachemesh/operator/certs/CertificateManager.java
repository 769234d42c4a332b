package io.cachemesh.operator.certs;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the webhook's self-managed certificates: creates a CA and a leaf when the Secret has none,
 * reuses them while valid, renews the leaf (and the CA) at two thirds of its lifetime keeping the old
 * CA in the bundle until it expires, patches the webhook configurations' caBundle when it differs,
 * and hands the current identity to {@link ServingTls}, so the server picks it up without restart.
 *
 * <p>Every replica runs it: writes use the Secret's resourceVersion, so when two replicas renew at
 * once one wins and the other adopts what it wrote.
 */
public final class CertificateManager {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateManager.class);
  private static final String CA_NAME = "cachemesh-webhook-ca";

  private final KubernetesClient client;
  private final CertificateSettings settings;
  private final Clock clock;
  private final CertificateIssuer issuer;
  private final CaBundlePatcher patcher;
  private volatile ServingTls serving;

  public CertificateManager(KubernetesClient client, CertificateSettings settings, Clock clock) {
    if (settings.certManager()) {
      throw new IllegalArgumentException("certManager is true: use CertDirectoryReloader instead");
    }
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.issuer = new CertificateIssuer(clock);
    this.patcher = new CaBundlePatcher(client);
  }

  /** The TLS context serving the current certificates; the first call ensures they exist. */
  public synchronized ServingTls serving() {
    if (serving == null) {
      ensure();
    }
    return serving;
  }

  /**
   * One pass: read, renew if due, write, patch caBundles, reload the server. The caBundle is patched
   * before the server switches, so the API server already trusts a new CA when it first sees it; if
   * the patch fails, the server keeps its current (still valid) certificate and the next pass retries.
   *
   * @return the certificates now in force
   */
  public synchronized WebhookCertificates ensure() {
    WebhookCertificates certificates = ensureStored(true);
    patcher.ensure(certificates.caBundlePem(), settings.mutatingWebhooks(), settings.validatingWebhooks());
    if (serving == null) {
      serving = new ServingTls(certificates.identity());
    } else if (!serving.current().leaf().equals(certificates.leaf())) {
      serving.update(certificates.identity());
      LOG.info("event=serving_certificate_reloaded serial={} notAfter={}", certificates.leaf().getSerialNumber().toString(16),
          certificates.leaf().getNotAfter().toInstant());
    }
    return certificates;
  }

  /** Runs {@link #ensure()} every {@code period}; a failed pass is logged and retried on the next one. */
  public ScheduledFuture<?> schedule(ScheduledExecutorService executor, Duration period) {
    return executor.scheduleWithFixedDelay(() -> {
      try {
        ensure();
      } catch (RuntimeException e) {
        // An exception would silently cancel the schedule: log it and try again next period.
        LOG.warn("event=certificate_check_failed error={} reason=\"{}\"", e.getClass().getSimpleName(), e.getMessage());
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private WebhookCertificates ensureStored(boolean retryOnConflict) {
    Secret secret = client.secrets().inNamespace(settings.namespace()).withName(settings.secretName()).get();
    WebhookCertificates current = read(secret);
    Instant now = clock.instant();
    RotationPolicy.Action action = RotationPolicy.decide(current, settings.dnsNames(), now);
    WebhookCertificates next = switch (action) {
      case REUSE -> current.withoutExpiredCas(now);
      case NEW_LEAF -> withLeaf(current.caKey(), current.ca(), current.withoutExpiredCas(now).previousCas());
      case NEW_CA -> {
        List<X509Certificate> previous = current.ca().getNotAfter().toInstant().isAfter(now)
            ? List.of(current.ca()) : List.of();
        yield newCa(previous);
      }
      case ISSUE -> newCa(List.of());
    };
    if (current != null && next.toSecretData().equals(current.toSecretData())) {
      return current;
    }
    try {
      write(secret, next);
      LOG.info("event=webhook_certificates_written action={} secret={}/{} leafNotAfter={} caNotAfter={}", action,
          settings.namespace(), settings.secretName(), next.leaf().getNotAfter().toInstant(), next.ca().getNotAfter().toInstant());
      return next;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 && retryOnConflict) {
        LOG.info("event=webhook_certificates_conflict secret={}/{} action=reread", settings.namespace(), settings.secretName());
        return ensureStored(false);
      }
      throw e;
    }
  }

  private WebhookCertificates newCa(List<X509Certificate> previous) {
    return issuer.webhookCertificates(CA_NAME, settings.dnsNames(), settings.caValidity(), settings.leafValidity(), previous);
  }

  private WebhookCertificates withLeaf(
      PrivateKey caKey, X509Certificate caCert, List<X509Certificate> previous) {
    CertificateIssuer.Issued ca = new CertificateIssuer.Issued(new KeyPair(caCert.getPublicKey(), caKey), caCert);
    CertificateIssuer.Issued leaf = issuer.leaf(ca, settings.dnsNames(), settings.leafValidity());
    return new WebhookCertificates(caKey, caCert, previous, leaf.keys().getPrivate(), leaf.certificate());
  }

  private WebhookCertificates read(Secret secret) {
    if (secret == null) {
      return null;
    }
    try {
      return WebhookCertificates.fromSecretData(secret.getData());
    } catch (IOException e) {
      LOG.warn("event=webhook_certificates_unreadable secret={}/{} reason=\"{}\" action=reissue",
          settings.namespace(), settings.secretName(), e.getMessage());
      return null;
    }
  }

  private void write(Secret existing, WebhookCertificates certificates) {
    if (existing == null) {
      client.secrets().inNamespace(settings.namespace()).resource(new SecretBuilder()
          .withNewMetadata().withName(settings.secretName()).withNamespace(settings.namespace())
          .addToLabels("app.kubernetes.io/managed-by", "cachemesh-operator").endMetadata()
          .withType("kubernetes.io/tls")
          .withData(certificates.toSecretData())
          .build()).create();
    } else {
      // Keeps the resourceVersion read above: a concurrent writer makes this fail with 409.
      Secret updated = new SecretBuilder(existing).withData(certificates.toSecretData()).build();
      client.secrets().inNamespace(settings.namespace()).resource(updated).update();
    }
  }
}
