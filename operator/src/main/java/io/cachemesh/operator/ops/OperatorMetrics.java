package io.cachemesh.operator.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The operator's own metrics, beside JOSDK's. */
public final class OperatorMetrics {
  private final MeterRegistry registry;
  private final Counter publishFailures;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.publishFailures = Counter.builder("cachemesh_operator_publish_failures")
        .description("Invalidations or purge events the broker did not accept")
        .register(registry);
  }

  /** Exposed as {@code cachemesh_operator_reconciles_total{kind,result}}. */
  public void reconciled(String kind, String result) {
    Counter.builder("cachemesh_operator_reconciles")
        .description("Reconciles by resource kind and outcome")
        .tag("kind", kind)
        .tag("result", result)
        .register(registry)
        .increment();
  }

  public void publishFailed() {
    publishFailures.increment();
  }

  public MeterRegistry registry() {
    return registry;
  }
}
