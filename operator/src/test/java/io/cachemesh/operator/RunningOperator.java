package io.cachemesh.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/** A real {@code CachemeshOperator} against the mock cluster, with test-speed timings. */
public final class RunningOperator implements AutoCloseable {
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(300);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CachemeshOperator operator;

  public RunningOperator(KubernetesClient client, OperatorSettings settings) {
    operator = new CachemeshOperator(client, settings, registry, Clock.systemUTC());
  }

  public static OperatorSettings testSettings() {
    return OperatorSettings.defaults()
        .withLeaderElection(false, null, null, false)
        .withTimings(HEARTBEAT_INTERVAL, Duration.ofMillis(200), Duration.ofSeconds(1));
  }

  public static RunningOperator start(KubernetesClient client) {
    return start(client, testSettings());
  }

  public static RunningOperator start(KubernetesClient client, OperatorSettings settings) {
    RunningOperator running = new RunningOperator(client, settings.withSidecarVersion(Fixtures.SIDECAR_VERSION));
    running.operator.start();
    return running;
  }

  public CachemeshOperator operator() {
    return operator;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Reconciles of a kind so far, any outcome. */
  public double reconciles(String kind) {
    return registry.find("cachemesh_operator_reconciles").tag("kind", kind).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  /** Waits for this many more reconciles of a kind: what a write that should not happen would need to happen. */
  public void awaitReconciles(String kind, int times) {
    double before = reconciles(kind);
    Await.upTo10s().until(() -> reconciles(kind) >= before + times);
  }

  @Override
  public void close() {
    operator.close();
  }
}
