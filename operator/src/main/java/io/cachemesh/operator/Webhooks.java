package io.cachemesh.operator;

import io.cachemesh.operator.admission.AdmissionServer;
import io.cachemesh.operator.admission.InformerPolicyLookup;
import io.cachemesh.operator.certs.CertDirectoryReloader;
import io.cachemesh.operator.certs.CertificateManager;
import io.cachemesh.operator.certs.CertificateSettings;
import io.cachemesh.operator.certs.ServingTls;
import io.cachemesh.operator.injection.InjectionSettings;
import io.cachemesh.operator.injection.SidecarInjector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission webhooks assembled in one place: the serving certificate (self-managed in a Secret,
 * or cert-manager's files), the informer-backed policy lookup, the sidecar injector configured for
 * this cluster, and the HTTPS server.
 *
 * <p>Every replica serves admission (the webhook Service balances over all ready pods, leader or
 * not), so every replica runs the certificate check; none needs the Lease. Writes to the Secret are
 * optimistic: a create that meets 409 (another replica created it first) or an update that meets 409
 * (another replica renewed it first) re-reads and adopts what the winner wrote, so there is one CA
 * and every replica serves the certificate stored in the Secret, reloaded at the next check after it
 * changes. caBundle patches are computed from the Secret just read and made only where the bundle
 * differs, so replicas converge on the same value instead of fighting.
 */
public final class Webhooks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

  private final ScheduledExecutorService scheduler;
  private final InformerPolicyLookup lookup;
  private final AdmissionServer server;

  private Webhooks(ScheduledExecutorService scheduler, InformerPolicyLookup lookup, AdmissionServer server) {
    this.scheduler = scheduler;
    this.lookup = lookup;
    this.server = server;
  }

  /**
   * Ensures the certificate (creating the Secret and patching caBundles when self-managed), starts
   * the lookup's informers and the server.
   *
   * @param bindHost the address to listen on ({@code 0.0.0.0} in a pod, loopback in tests)
   * @throws IOException when cert-manager's files cannot be read: a misconfigured pod does not start
   */
  public static Webhooks start(KubernetesClient client, OperatorSettings settings, Clock clock, String bindHost)
      throws IOException {
    WebhookSettings webhooks = settings.webhooks();
    String namespace = namespace(client, webhooks);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("cachemesh-certificates").daemon().factory());
    InformerPolicyLookup lookup = null;
    try {
      ServingTls tls;
      if (webhooks.certDir() != null) {
        CertDirectoryReloader reloader = CertDirectoryReloader.open(webhooks.certDir());
        reloader.schedule(scheduler, webhooks.certCheckInterval());
        tls = reloader.serving();
      } else {
        CertificateManager certificates = new CertificateManager(client, new CertificateSettings(
            webhooks.service(), namespace, webhooks.secret(), List.of(webhooks.mutatingConfig()),
            List.of(webhooks.validatingConfig()), CertificateSettings.DEFAULT_CA_VALIDITY,
            CertificateSettings.DEFAULT_LEAF_VALIDITY, false, null), clock);
        tls = certificates.serving();
        certificates.schedule(scheduler, webhooks.certCheckInterval());
      }
      InjectionSettings injection = injection(client, webhooks, settings.sidecarVersion(), namespace);
      lookup = InformerPolicyLookup.start(client);
      AdmissionServer server = AdmissionServer.cachemesh(new InetSocketAddress(bindHost, webhooks.port()),
          tls.sslContext(), new SidecarInjector(injection), lookup).start();
      LOG.info("event=webhooks_started port={} namespace={} certificates={} image={} nativeSidecars={} servicesReachSidecarPorts={}",
          server.address().getPort(), namespace, webhooks.certDir() != null ? "cert-manager:" + webhooks.certDir() : "secret:" + webhooks.secret(),
          injection.sidecarImage(), injection.nativeSidecars(), injection.servicesReachSidecarPorts());
      return new Webhooks(scheduler, lookup, server);
    } catch (IOException | RuntimeException e) {
      scheduler.shutdownNow();
      if (lookup != null) {
        lookup.close();
      }
      throw e;
    }
  }

  private static String namespace(KubernetesClient client, WebhookSettings webhooks) {
    String namespace = webhooks.namespace() != null ? webhooks.namespace() : client.getNamespace();
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("--webhook-namespace: required (set it, or POD_NAMESPACE), or run with --webhooks=false");
    }
    return namespace;
  }

  /** Native sidecars as configured, or from the cluster's version ({@code --kubernetes-version}, else the API server's). */
  static InjectionSettings injection(KubernetesClient client, WebhookSettings webhooks, String sidecarVersion, String namespace) {
    String image = webhooks.sidecarImage();
    InjectionSettings settings = switch (webhooks.nativeSidecars()) {
      case ON -> InjectionSettings.of(image, sidecarVersion, true, namespace);
      case OFF -> InjectionSettings.of(image, sidecarVersion, false, namespace);
      case AUTO -> {
        String[] version = clusterVersion(client, webhooks.kubernetesVersion());
        yield InjectionSettings.forCluster(image, sidecarVersion, version[0], version[1], namespace);
      }
    };
    return settings.withDefaultResources(webhooks.sidecarResources()).withPorts(webhooks.sidecarPorts());
  }

  /** {@code [major, minor]}; unreadable counts as old (regular sidecars), which is always safe. */
  static String[] clusterVersion(KubernetesClient client, String override) {
    if (override != null) {
      String[] parts = override.replaceFirst("^v", "").split("\\.");
      return new String[] {parts[0], parts[1]};
    }
    try {
      VersionInfo version = client.getKubernetesVersion();
      return new String[] {version.getMajor(), version.getMinor()};
    } catch (KubernetesClientException e) {
      LOG.warn("event=kubernetes_version_unknown code={} reason=\"{}\" action=regular_sidecars", e.getCode(), e.getMessage());
      return new String[] {"0", "0"};
    }
  }

  public InetSocketAddress address() {
    return server.address();
  }

  /** Serving; the lookup answers from the API server until its informers have synced, so this does not wait for them. */
  public boolean isReady() {
    return server.address() != null;
  }

  /** Stops taking connections, lets in-flight reviews finish, then stops the certificate checks and informers. */
  @Override
  public void close() {
    server.close();
    scheduler.shutdownNow();
    lookup.close();
    LOG.info("event=webhooks_stopped");
  }
}
