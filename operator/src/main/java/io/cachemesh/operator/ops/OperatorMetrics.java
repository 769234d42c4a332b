package io.cachemesh.operator.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The operator's own metrics, beside JOSDK's. */
public final class OperatorMetrics {
  private final MeterRegistry registry;
  private final Counter publishFailures;
  private final Counter brokerReadFailures;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.publishFailures = Counter.builder("cachemesh_operator_publish_failures")
        .description("Invalidations or purge events the broker did not accept")
        .register(registry);
    this.brokerReadFailures = Counter.builder("cachemesh_operator_broker_read_failures")
        .description("Heartbeat reads that failed because the broker was unreachable")
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

  public void brokerReadFailed() {
    brokerReadFailures.increment();
  }

  public MeterRegistry registry() {
    return registry;
  }
}
