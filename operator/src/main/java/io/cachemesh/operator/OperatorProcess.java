package io.cachemesh.operator;

import io.cachemesh.operator.ops.HealthServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator process: the reconcilers (behind the Lease), the admission webhooks (on every
 * replica) and the health/metrics server, started and stopped in order. {@link Main} runs one; the
 * integration tests run the same assembly in-process against the mock API server.
 */
public final class OperatorProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorProcess.class);

  private final CachemeshOperator operator;
  private final Webhooks webhooks;
  private volatile HealthServer health;
  private volatile boolean closing;

  private OperatorProcess(CachemeshOperator operator, Webhooks webhooks) {
    this.operator = operator;
    this.webhooks = webhooks;
  }

  /**
   * Starts the webhooks first (their certificate is in place before the reconcilers need the Lease),
   * then the reconcilers, then health and metrics.
   *
   * @param bindHost where the webhook server listens ({@code 0.0.0.0} in a pod)
   */
  public static OperatorProcess start(KubernetesClient client, OperatorSettings settings, PrometheusMeterRegistry registry,
      Clock clock, String bindHost) throws IOException {
    Webhooks webhooks = settings.webhooks().enabled() ? Webhooks.start(client, settings, clock, bindHost) : null;
    CachemeshOperator operator;
    try {
      operator = new CachemeshOperator(client, settings, registry, clock);
    } catch (RuntimeException e) {
      if (webhooks != null) {
        webhooks.close();
      }
      throw e;
    }
    OperatorProcess process = new OperatorProcess(operator, webhooks);
    try {
      process.operator.start();
      if (settings.metricsPort() >= 0) {
        process.health = new HealthServer(settings.metricsPort(), process::isReady, registry).start();
        LOG.info("event=health_listening port={}", process.health.port());
      }
      return process;
    } catch (IOException | RuntimeException e) {
      process.close();
      throw e;
    }
  }

  /** Reconcilers started (or waiting for the Lease) with healthy informers, and the webhook server serving. */
  public boolean isReady() {
    return !closing && operator.isReady() && (webhooks == null || webhooks.isReady());
  }

  public CachemeshOperator operator() {
    return operator;
  }

  /** The webhook server's address; null when {@code --webhooks=false}. */
  public InetSocketAddress webhookAddress() {
    return webhooks == null ? null : webhooks.address();
  }

  /**
   * Graceful: /readyz turns 503 first, the reconcilers stop (in-flight reconciles get 10 s), the
   * webhook server drains its reviews in flight, then health goes.
   */
  @Override
  public void close() {
    closing = true;
    operator.close();
    if (webhooks != null) {
      webhooks.close();
    }
    if (health != null) {
      health.close();
    }
  }
}
