package io.cachemesh.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar operator.jar [--flags]}: runs against the current kubeconfig (development) or
 * the in-cluster service account, whichever the fabric8 client finds. See {@link OperatorSettings}
 * and {@link WebhookSettings}; the process is assembled by {@link OperatorProcess}.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    OperatorSettings settings;
    try {
      settings = OperatorSettings.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("cachemesh-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorProcess process;
    try {
      process = OperatorProcess.start(client, settings, registry, Clock.systemUTC(), "0.0.0.0");
    } catch (IllegalArgumentException e) {
      System.err.println("cachemesh-operator: " + e.getMessage());
      client.close();
      System.exit(2);
      return;
    } catch (IOException | RuntimeException e) {
      // The API server unreachable, cert-manager's files missing...: exit, so Kubernetes restarts the pod
      // (client threads would otherwise keep a half-started process alive).
      LOG.error("event=start_failed error={} reason=\"{}\"", e.getClass().getSimpleName(), e.getMessage(), e);
      client.close();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("cachemesh-shutdown").unstarted(() -> {
      LOG.info("event=shutdown_requested");
      process.close();
      client.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
