package io.cachemesh.sidecar.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The process's one meter registry, exposed as Prometheus text. */
public final class Metrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private JvmGcMetrics gc;
  private boolean closed;

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * JVM and process meters. Not needed to serve, so the sidecar binds them after it is ready: they
   * load management beans that cost tens of milliseconds at startup.
   */
  public synchronized void bindJvmAndProcess() {
    if (gc != null || closed) {
      return;
    }
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
