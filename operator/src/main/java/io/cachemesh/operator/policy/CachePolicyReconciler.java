package io.cachemesh.operator.policy;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.CachePolicyStatus;
import io.cachemesh.api.Rollout;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.api.validation.InvalidPolicyException;
import io.cachemesh.operator.Backoff;
import io.cachemesh.operator.OperatorSettings;
import io.cachemesh.operator.PodContract;
import io.cachemesh.operator.broker.BrokerConnections;
import io.cachemesh.operator.broker.BrokerUnavailableException;
import io.cachemesh.operator.injection.NumericTargetPortCheck;
import io.cachemesh.operator.ops.EventRecorder;
import io.cachemesh.operator.ops.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a {@code CachePolicy}: compiles it, owns its ConfigMap (written only when its content
 * differs), and writes a status computed from the selected pods and the sidecars' heartbeats (only
 * when it differs). Re-reads pods and heartbeats every {@code heartbeatInterval}; pod changes
 * trigger a reconcile at once. On deletion, purges the policy's shared tier (see {@link #cleanup}).
 */
@ControllerConfiguration(name = CachePolicyReconciler.NAME, finalizerName = CachePolicyReconciler.FINALIZER)
public final class CachePolicyReconciler implements Reconciler<CachePolicy>, Cleaner<CachePolicy> {
  public static final String NAME = "cachepolicy";
  public static final String FINALIZER = "cachemesh.io/purge";
  static final String KIND = "CachePolicy";
  /** Event reason and condition reason: a Service targets the app port by number. */
  static final String NUMERIC_TARGET_PORT = "NumericTargetPort";
  private static final Logger LOG = LoggerFactory.getLogger(CachePolicyReconciler.class);

  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final Clock clock;
  private final PolicyCompiler compiler = new PolicyCompiler();
  private final BrokerConnections brokers;
  private final EventRecorder events;
  private final RolloutRestart restarts;
  private final OperatorMetrics metrics;
  private final Backoff backoff;
  /** Pods whose missing sidecar already led to a restart, per policy uid: at most one restart per pod. */
  private final Map<String, Set<String>> restartedFor = new ConcurrentHashMap<>();
  private final Map<String, Integer> purgeAttempts = new ConcurrentHashMap<>();
  private final Set<String> brokerDown = ConcurrentHashMap.newKeySet();
  private volatile InformerEventSource<Pod, CachePolicy> pods;
  private volatile InformerEventSource<ConfigMap, CachePolicy> configMaps;
  private volatile InformerEventSource<Service, CachePolicy> services;
  private volatile BrokerSecretSource brokerSecrets;

  public CachePolicyReconciler(KubernetesClient client, OperatorSettings settings, Clock clock, BrokerConnections brokers, EventRecorder events,
      RolloutRestart restarts, OperatorMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.brokers = brokers;
    this.events = events;
    this.restarts = restarts;
    this.metrics = metrics;
    this.backoff = new Backoff(settings.retryInitial(), settings.retryMax());
  }

  @Override
  public List<EventSource<?, CachePolicy>> prepareEventSources(EventSourceContext<CachePolicy> context) {
    var primaries = context.getPrimaryCache();
    pods = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, CachePolicy.class)
            .withName("pods")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(pod -> primaries
                .list(pod.getMetadata().getNamespace(), policy -> PodSelection.selects(policy, pod))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .build(),
        context);
    configMaps = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ConfigMap.class, CachePolicy.class)
            .withName("configmaps")
            .withNamespacesInheritedFromController()
            .withLabelSelector(PodContract.MANAGED_BY_LABEL + "=" + PodContract.MANAGED_BY)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(CachePolicy.class))
            .build(),
        context);
    // Every Service of the namespace: any of them may target a selected pod's port by number.
    services = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Service.class, CachePolicy.class)
            .withName("services")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(service -> primaries
                .list(service.getMetadata().getNamespace())
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .build(),
        context);
    brokerSecrets = new BrokerSecretSource(client);
    return List.of(pods, configMaps, services, brokerSecrets);
  }

  @Override
  public UpdateControl<CachePolicy> reconcile(CachePolicy policy, Context<CachePolicy> context) {
    Instant now = clock.instant();
    String name = policy.getMetadata().getName();
    String namespace = policy.getMetadata().getNamespace();
    brokerSecrets.track(policy);
    CompiledConfig compiled = null;
    String errors = null;
    try {
      compiled = compiler.compile(policy);
    } catch (InvalidPolicyException e) {
      errors = e.getMessage();
    } catch (RuntimeException e) {
      // A spec the validator let through but the compiler cannot read: still the user's spec, so
      // it is reported in the status rather than retried as an operator failure.
      errors = "spec: cannot be compiled: " + e.getMessage();
      LOG.warn("event=policy_compile_failed policy={}/{} error={} reason=\"{}\"", namespace, name,
          e.getClass().getSimpleName(), e.getMessage());
    }

    ConfigMap current = configMaps.get(new ResourceID(DesiredConfigMap.nameFor(name), namespace)).orElse(null);
    String hashInForce;
    if (compiled != null) {
      applyConfigMap(policy, current, DesiredConfigMap.desired(policy, compiled));
      hashInForce = compiled.hash();
    } else {
      // Keep the last good ConfigMap: pods go on serving with it.
      hashInForce = DesiredConfigMap.hashOf(current);
      LOG.debug("event=policy_invalid policy={}/{} errors=\"{}\"", namespace, name, errors);
    }

    List<Pod> selected = pods.list(namespace, pod -> PodSelection.isLive(pod) && PodSelection.selects(policy, pod)).toList();
    HeartbeatReadout heartbeats = readHeartbeats(policy, now);
    List<String> bypassing = bypassingServices(policy, selected);
    CachePolicyStatus status = PolicyStatusCalculator.compute(
        new PolicyStatusCalculator.Observation(
            Objects.requireNonNullElse(policy.getMetadata().getGeneration(), 0L),
            hashInForce, errors, selected, heartbeats, settings.sidecarVersion(), now, bypassing),
        policy.getStatus());
    handleMissingSidecars(policy, selected, now);
    if (bypassing.isEmpty()) {
      events.clear(policy, NUMERIC_TARGET_PORT);
    } else {
      events.warnOnce(policy, NUMERIC_TARGET_PORT, String.join("; ", bypassing));
    }
    metrics.reconciled(KIND, errors == null ? "accepted" : "invalid");

    if (!status.equals(policy.getStatus())) {
      LOG.info("event=policy_status policy={}/{} accepted={} selected={} injected={} inSync={} outdated={} hash={}",
          namespace, name, errors == null, status.selectedPods(), status.injectedPods(), status.inSyncPods(),
          status.outdatedPods(), status.configHash());
      // A JSON patch of the status (no SSA), and the result cached as the primary, so that the next
      // reconcile compares with what was written even before the informer has seen it.
      PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(policy, context, p -> {
        p.setStatus(status);
        return p;
      });
    }
    return UpdateControl.<CachePolicy>noUpdate().rescheduleAfter(settings.heartbeatInterval());
  }

  /**
   * Services of the namespace that reach a selected pod's app port by number, bypassing the sidecar
   * (only a port name can be taken over), each with the fix; sorted, so an unchanged cluster gives
   * an unchanged status.
   */
  private List<String> bypassingServices(CachePolicy policy, List<Pod> selected) {
    if (selected.isEmpty() || policy.getSpec() == null || policy.getSpec().upstream() == null) {
      return List.of();
    }
    List<Service> namespaceServices = services.list(policy.getMetadata().getNamespace()).toList();
    if (namespaceServices.isEmpty()) {
      return List.of();
    }
    return selected.stream()
        .flatMap(pod -> NumericTargetPortCheck.forPod(namespaceServices, pod, policy.getSpec().upstream().port()).stream())
        .map(NumericTargetPortCheck.Finding::message)
        .distinct()
        .sorted()
        .toList();
  }

  private void applyConfigMap(CachePolicy policy, ConfigMap current, ConfigMap desired) {
    if (DesiredConfigMap.upToDate(current, desired)) {
      return;
    }
    ResourceID primary = ResourceID.fromResource(policy);
    if (current == null) {
      try {
        ConfigMap created = client.configMaps().inNamespace(desired.getMetadata().getNamespace()).resource(desired).create();
        configMaps.handleRecentResourceCreate(primary, created);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // It exists but is not in the informer's view (someone removed our label): take it back.
        client.configMaps().inNamespace(desired.getMetadata().getNamespace()).resource(desired).update();
      }
    } else {
      desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
      ConfigMap updated = client.configMaps().inNamespace(desired.getMetadata().getNamespace()).resource(desired).update();
      configMaps.handleRecentResourceUpdate(primary, updated, current);
    }
    LOG.info("event=configmap_written policy={}/{} configmap={} hash={} created={}", policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(), desired.getMetadata().getName(), DesiredConfigMap.hashOf(desired), current == null);
  }

  private HeartbeatReadout readHeartbeats(CachePolicy policy, Instant now) {
    if (policy.getSpec() == null || policy.getSpec().broker() == null) {
      return new HeartbeatReadout.NoBroker();
    }
    String uid = policy.getMetadata().getUid();
    try {
      HeartbeatReadout.Fresh fresh = new HeartbeatReadout.Fresh(
          brokers.forPolicy(id(policy), policy.getSpec().broker().secretName())
              .heartbeats(now, settings.heartbeatMaxAge(), settings.heartbeatPruneAfter()));
      if (brokerDown.remove(uid)) {
        LOG.info("event=broker_recovered policy={}", id(policy));
      }
      return fresh;
    } catch (BrokerUnavailableException e) {
      // WARN once when it goes down; the status condition and the metric say the rest.
      if (brokerDown.add(uid)) {
        LOG.warn("event=heartbeats_unavailable policy={} reason=\"{}\"", id(policy), e.getMessage());
      }
      metrics.brokerReadFailed();
      return new HeartbeatReadout.Unavailable(e.getMessage());
    }
  }

  private void handleMissingSidecars(CachePolicy policy, List<Pod> selected, Instant now) {
    String uid = policy.getMetadata().getUid();
    List<Pod> missing = selected.stream().filter(p -> !PodSelection.isInjected(p)).toList();
    if (missing.isEmpty()) {
      events.clear(policy, "SidecarMissing");
      return;
    }
    List<String> names = missing.stream().map(p -> p.getMetadata().getName()).sorted().toList();
    events.warnOnce(policy, "SidecarMissing", names.size() + " selected pod(s) run without the cachemesh sidecar"
        + " (created while the webhook was down?): " + String.join(", ", names.stream().limit(20).toList())
        + (policy.getSpec() != null && policy.getSpec().rollout() == Rollout.RESTART
            ? "; restarting their workloads (spec.rollout: Restart)"
            : "; restart their workloads, or set spec.rollout: Restart"));
    if (policy.getSpec() == null || policy.getSpec().rollout() != Rollout.RESTART) {
      return;
    }
    Set<String> done = restartedFor.computeIfAbsent(uid, k -> ConcurrentHashMap.newKeySet());
    List<Pod> fresh = missing.stream().filter(p -> !done.contains(p.getMetadata().getName())).toList();
    if (fresh.isEmpty()) {
      return;
    }
    try {
      for (RolloutRestart.Workload workload : restarts.owners(fresh)) {
        restarts.restart(workload, now);
      }
      fresh.forEach(p -> done.add(p.getMetadata().getName()));
    } catch (KubernetesClientException e) {
      LOG.warn("event=restart_failed policy={} code={} reason=\"{}\"", id(policy), e.getCode(), e.getMessage());
    }
  }

  /**
   * Purges the policy's shared tier before letting Kubernetes delete it. When the broker is
   * unreachable, keeps the finalizer and retries with backoff, saying so in a condition and an
   * Event. Escape hatch: the annotation {@code cachemesh.io/skip-purge: "true"} deletes without
   * purging.
   */
  @Override
  public DeleteControl cleanup(CachePolicy policy, Context<CachePolicy> context) {
    String uid = policy.getMetadata().getUid();
    restartedFor.remove(uid);
    brokerDown.remove(uid);
    events.clear(policy, "SidecarMissing");
    events.clear(policy, NUMERIC_TARGET_PORT);
    // Still watched while the purge waits: fixing the Secret retries the purge at once.
    brokerSecrets.track(policy);
    if (policy.getSpec() == null || policy.getSpec().broker() == null) {
      return deleted(policy);
    }
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    if (annotations != null && "true".equals(annotations.get(PodContract.SKIP_PURGE_ANNOTATION))) {
      LOG.warn("event=purge_skipped policy={} reason=\"annotation {}\"", id(policy), PodContract.SKIP_PURGE_ANNOTATION);
      purgeAttempts.remove(uid);
      return deleted(policy);
    }
    try {
      brokers.forPolicy(id(policy), policy.getSpec().broker().secretName()).purgeAll("operator");
      purgeAttempts.remove(uid);
      metrics.reconciled(KIND, "purged");
      return deleted(policy);
    } catch (BrokerUnavailableException e) {
      int attempt = purgeAttempts.merge(uid, 1, Integer::sum);
      Duration delay = backoff.delay(attempt);
      String message = "cannot purge the shared tier before deletion, retrying: " + e.getMessage()
          + " (annotate cachemesh.io/skip-purge=\"true\" to delete without purging)";
      LOG.warn("event=purge_failed policy={} attempt={} retryIn={} reason=\"{}\"", id(policy), attempt, delay, e.getMessage());
      metrics.publishFailed();
      metrics.reconciled(KIND, "purge_failed");
      // The Event says what and how to get out; the changing error text is in the condition and logs.
      events.warnOnce(policy, "PurgeFailed", "cannot purge the shared tier before deletion: the broker is unreachable;"
          + " retrying with backoff (annotate cachemesh.io/skip-purge=\"true\" to delete without purging)");
      reportPurgeFailure(policy, message);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(delay);
    }
  }

  private DeleteControl deleted(CachePolicy policy) {
    brokerSecrets.forget(policy);
    return DeleteControl.defaultDelete();
  }

  private void reportPurgeFailure(CachePolicy policy, String message) {
    CachePolicyStatus old = policy.getStatus();
    List<Condition> previous = old == null ? null : old.conditions();
    Condition existing = Conditions.find(previous, Conditions.BROKER_REACHABLE);
    if (existing != null && "PurgeFailed".equals(existing.getReason()) && message.equals(existing.getMessage())) {
      return;
    }
    List<Condition> conditions = Conditions.set(previous,
        new Conditions.Wanted(Conditions.BROKER_REACHABLE, false, "PurgeFailed", message),
        Objects.requireNonNullElse(policy.getMetadata().getGeneration(), 0L), clock.instant());
    CachePolicyStatus next = old == null
        ? new CachePolicyStatus(null, conditions, null, null, null, null, null, null, null, null)
        : new CachePolicyStatus(old.observedGeneration(), conditions, old.selectedPods(), old.injectedPods(),
            old.inSyncPods(), old.outdatedPods(), old.outdatedPodNames(), old.configHash(), old.hitRatio(), old.hitPercent());
    try {
      client.resources(CachePolicy.class).inNamespace(policy.getMetadata().getNamespace())
          .withName(policy.getMetadata().getName())
          .editStatus(p -> {
            p.setStatus(next);
            return p;
          });
    } catch (KubernetesClientException e) {
      LOG.warn("event=status_write_failed policy={} code={} reason=\"{}\"", id(policy), e.getCode(), e.getMessage());
    }
  }

  static PolicyId id(CachePolicy policy) {
    return new PolicyId(policy.getMetadata().getNamespace(), policy.getMetadata().getName());
  }
}
