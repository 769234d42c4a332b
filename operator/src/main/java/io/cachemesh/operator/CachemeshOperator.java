package io.cachemesh.operator;

import io.cachemesh.operator.broker.BrokerConnections;
import io.cachemesh.operator.invalidation.CacheInvalidationReconciler;
import io.cachemesh.operator.ops.EventRecorder;
import io.cachemesh.operator.ops.OperatorMetrics;
import io.cachemesh.operator.policy.CachePolicyReconciler;
import io.cachemesh.operator.policy.RolloutRestart;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator assembled in one place: JOSDK with server-side apply off everywhere (status and
 * primaries are patched with JSON patches computed from the cached object; the mock API server
 * has no SSA and production takes the same path), leader election on a Lease, Micrometer metrics,
 * and the two reconcilers.
 */
public final class CachemeshOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CachemeshOperator.class);

  private final Operator operator;
  private final BrokerConnections brokers;
  private final OperatorSettings settings;
  private volatile boolean started;

  public CachemeshOperator(KubernetesClient client, OperatorSettings settings, MeterRegistry registry, Clock clock) {
    this.settings = settings;
    this.brokers = new BrokerConnections(client, settings.brokerTimeout());
    OperatorMetrics metrics = new OperatorMetrics(registry);
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build())
          .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
      if (settings.leaderElection()) {
        var lease = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.leaseRenewDeadline())
            .withRetryPeriod(settings.leaseRetryPeriod())
            .withIdentity(settings.identity() != null ? settings.identity() : "cachemesh-" + UUID.randomUUID())
            .withExitOnStopLeading(settings.exitOnLostLease());
        if (settings.leaderElectionNamespace() != null) {
          lease.withLeaseNamespace(settings.leaderElectionNamespace());
        }
        o.withLeaderElectionConfiguration(lease.build());
      }
    });
    EventRecorder events = new EventRecorder(client, clock);
    operator.register(
        new CachePolicyReconciler(client, settings, clock, brokers, events, new RolloutRestart(client), metrics),
        this::namespaces);
    operator.register(new CacheInvalidationReconciler(client, settings, clock, brokers, events, metrics), this::namespaces);
  }

  private <R extends io.fabric8.kubernetes.api.model.HasMetadata> void namespaces(ControllerConfigurationOverrider<R> o) {
    if (!settings.namespaces().isEmpty()) {
      o.settingNamespaces(settings.namespaces());
    }
  }

  public void start() {
    operator.start();
    started = true;
    LOG.info("event=operator_started namespaces={} leaderElection={} sidecarVersion={}",
        settings.namespaces().isEmpty() ? "all" : String.join(",", settings.namespaces()),
        settings.leaderElection(), settings.sidecarVersion());
  }

  /** Started and its informers healthy; true for a follower waiting for the lease too. */
  public boolean isReady() {
    return started && operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean isStarted() {
    return started;
  }

  @Override
  public void close() {
    if (started) {
      started = false;
      operator.stop();
    }
    brokers.close();
    LOG.info("event=operator_stopped");
  }
}
