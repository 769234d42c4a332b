package io.cachemesh.operator.invalidation;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationStatus;
import io.cachemesh.api.CacheInvalidationStatus.Phase;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.broker.StreamIds;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.operator.Backoff;
import io.cachemesh.operator.OperatorSettings;
import io.cachemesh.operator.broker.BrokerConnections;
import io.cachemesh.operator.broker.BrokerUnavailableException;
import io.cachemesh.operator.broker.PolicyBroker;
import io.cachemesh.operator.ops.EventRecorder;
import io.cachemesh.operator.ops.OperatorMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@code CacheInvalidation} to its policy's stream exactly once.
 *
 * <p>Exactly once across crashes: the object's UID is the publish token, carried in the event's
 * {@code id} field. Before publishing, the stream's recent entries are searched for the token; an
 * earlier attempt that reached Redis but whose status write was lost is recorded instead of
 * published again. The status says {@code Pending} before the first attempt, {@code Published}
 * with the stream id after, {@code Failed} with the reason while it cannot be published (retried
 * with backoff), and then a Warning Event {@value #PUBLISH_FAILED} on the object naming the cause
 * (once per distinct cause, not at every retry).
 */
@ControllerConfiguration(name = CacheInvalidationReconciler.NAME)
public final class CacheInvalidationReconciler implements Reconciler<CacheInvalidation> {
  public static final String NAME = "cacheinvalidation";
  static final String KIND = "CacheInvalidation";
  /** Reason of the Warning Event recorded when publishing fails. */
  public static final String PUBLISH_FAILED = "PublishFailed";
  /** Acknowledgements are counted for this long after publishing, then the object is left alone. */
  static final Duration ACK_WINDOW = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(CacheInvalidationReconciler.class);

  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final Clock clock;
  private final BrokerConnections brokers;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Backoff backoff;
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  public CacheInvalidationReconciler(KubernetesClient client, OperatorSettings settings, Clock clock,
      BrokerConnections brokers, EventRecorder events, OperatorMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.brokers = brokers;
    this.events = events;
    this.metrics = metrics;
    this.backoff = new Backoff(settings.retryInitial(), settings.retryMax());
  }

  /**
   * Policies as a secondary source: an invalidation waiting for its policy (or for the policy's
   * broker) is retried as soon as the policy appears or changes, not at its next backoff.
   */
  @Override
  public List<EventSource<?, CacheInvalidation>> prepareEventSources(EventSourceContext<CacheInvalidation> context) {
    var invalidations = context.getPrimaryCache();
    return List.of(new InformerEventSource<>(
        InformerEventSourceConfiguration.from(CachePolicy.class, CacheInvalidation.class)
            .withName("policies")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(policy -> invalidations
                .list(policy.getMetadata().getNamespace(), inv -> inv.getSpec() != null
                    && policy.getMetadata().getName().equals(inv.getSpec().policyRef())
                    && (inv.getStatus() == null || inv.getStatus().phase() != Phase.PUBLISHED))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .build(),
        context));
  }

  @Override
  public UpdateControl<CacheInvalidation> reconcile(CacheInvalidation inv, Context<CacheInvalidation> context) {
    Instant now = clock.instant();
    CacheInvalidationStatus status = inv.getStatus();
    if (status != null && status.phase() == Phase.PUBLISHED) {
      return afterPublished(inv, status, now);
    }
    if (expired(inv, status, now)) {
      return UpdateControl.noUpdate();
    }
    String namespace = inv.getMetadata().getNamespace();
    String ref = inv.getSpec() == null ? null : inv.getSpec().policyRef();
    CachePolicy policy = ref == null || ref.isBlank() ? null
        : client.resources(CachePolicy.class).inNamespace(namespace).withName(ref).get();
    InvalidationEvent event;
    try {
      // An invalid spec is reported before a missing policy, and never retried.
      event = InvalidationEvents.from(inv, policy, "operator/" + namespace + "/" + inv.getMetadata().getName());
    } catch (IllegalArgumentException e) {
      return fail(inv, e.getMessage(), false);
    }
    if (policy == null) {
      return fail(inv, "CachePolicy " + namespace + "/" + ref + " not found (retrying in case it appears)", true);
    }
    if (policy.getSpec() == null || policy.getSpec().broker() == null) {
      return fail(inv, "CachePolicy " + namespace + "/" + ref + " has no broker: there is no stream to publish to", true);
    }
    String token = token(inv);
    if (status == null) {
      // Written before the first attempt: a Pending object may have reached the stream, which is
      // why every attempt first looks for its token.
      writeStatus(inv, new CacheInvalidationStatus(Phase.PENDING, null, null, "publishing with token " + token, null,
          inv.getMetadata().getGeneration()));
    }
    String streamId;
    try {
      streamId = brokers.forPolicy(policyId(inv), policy.getSpec().broker().secretName()).publishOnce(event, token);
    } catch (BrokerUnavailableException e) {
      metrics.publishFailed();
      return fail(inv, e.getMessage(), true);
    }
    attempts.remove(inv.getMetadata().getUid());
    events.clear(inv, PUBLISH_FAILED);
    Instant publishedAt = Instant.ofEpochMilli(StreamIds.millis(streamId));
    CacheInvalidationStatus published = new CacheInvalidationStatus(Phase.PUBLISHED, streamId, publishedAt.toString(),
        null, 0, inv.getMetadata().getGeneration());
    writeStatus(inv, published);
    metrics.reconciled(KIND, "published");
    LOG.info("event=invalidation_published invalidation={}/{} policy={} streamId={}", namespace,
        inv.getMetadata().getName(), ref, streamId);
    return next(inv, published, now);
  }

  private UpdateControl<CacheInvalidation> afterPublished(CacheInvalidation inv, CacheInvalidationStatus status, Instant now) {
    if (expired(inv, status, now)) {
      return UpdateControl.noUpdate();
    }
    Instant publishedAt = Instant.parse(status.publishedAt());
    if (now.isBefore(publishedAt.plus(ACK_WINDOW))) {
      Integer acked = acknowledgements(inv, status.streamId(), now);
      if (acked != null && !acked.equals(status.acknowledgedPods())) {
        CacheInvalidationStatus next = new CacheInvalidationStatus(status.phase(), status.streamId(), status.publishedAt(),
            status.message(), acked, status.observedGeneration());
        writeStatus(inv, next);
        status = next;
      }
    }
    metrics.reconciled(KIND, "unchanged");
    return next(inv, status, now);
  }

  /** Reschedules for the next acknowledgement count or the TTL, whichever comes first. */
  private UpdateControl<CacheInvalidation> next(CacheInvalidation inv, CacheInvalidationStatus status, Instant now) {
    Duration wait = null;
    Instant publishedAt = Instant.parse(status.publishedAt());
    if (now.isBefore(publishedAt.plus(ACK_WINDOW))) {
      wait = settings.heartbeatInterval();
    }
    Integer ttl = inv.getSpec() == null ? null : inv.getSpec().ttlSecondsAfterFinished();
    if (ttl != null) {
      Duration untilExpiry = Duration.between(now, publishedAt.plusSeconds(ttl));
      untilExpiry = untilExpiry.isNegative() ? Duration.ZERO : untilExpiry;
      wait = wait == null || untilExpiry.compareTo(wait) < 0 ? untilExpiry : wait;
    }
    UpdateControl<CacheInvalidation> control = UpdateControl.noUpdate();
    return wait == null ? control : control.rescheduleAfter(wait.plusMillis(10));
  }

  private Integer acknowledgements(CacheInvalidation inv, String streamId, Instant now) {
    CachePolicy policy = client.resources(CachePolicy.class).inNamespace(inv.getMetadata().getNamespace())
        .withName(inv.getSpec().policyRef()).get();
    if (policy == null || policy.getSpec() == null || policy.getSpec().broker() == null) {
      return null;
    }
    try {
      PolicyBroker broker = brokers.forPolicy(policyId(inv), policy.getSpec().broker().secretName());
      List<Heartbeat> beats = broker.heartbeats(now, settings.heartbeatMaxAge(), settings.heartbeatPruneAfter());
      return (int) beats.stream().filter(b -> b.lastEventId() != null && b.hasApplied(streamId)).count();
    } catch (BrokerUnavailableException e) {
      LOG.debug("event=acks_unavailable invalidation={}/{} reason=\"{}\"", inv.getMetadata().getNamespace(),
          inv.getMetadata().getName(), e.getMessage());
      return null;
    }
  }

  /**
   * Deletes the object once {@code ttlSecondsAfterFinished} has passed: counted from {@code
   * publishedAt} when published, from creation when it failed.
   */
  private boolean expired(CacheInvalidation inv, CacheInvalidationStatus status, Instant now) {
    Integer ttl = inv.getSpec() == null ? null : inv.getSpec().ttlSecondsAfterFinished();
    if (ttl == null || status == null || status.phase() == Phase.PENDING) {
      return false;
    }
    Instant finished = status.phase() == Phase.PUBLISHED
        ? Instant.parse(status.publishedAt())
        : Instant.parse(inv.getMetadata().getCreationTimestamp());
    if (now.isBefore(finished.plusSeconds(ttl))) {
      return false;
    }
    try {
      client.resource(inv).delete();
      LOG.info("event=invalidation_deleted invalidation={}/{} reason=ttlSecondsAfterFinished",
          inv.getMetadata().getNamespace(), inv.getMetadata().getName());
    } catch (KubernetesClientException e) {
      LOG.warn("event=invalidation_delete_failed invalidation={}/{} code={}", inv.getMetadata().getNamespace(),
          inv.getMetadata().getName(), e.getCode());
    }
    return true;
  }

  private UpdateControl<CacheInvalidation> fail(CacheInvalidation inv, String reason, boolean retry) {
    CacheInvalidationStatus old = inv.getStatus();
    writeStatus(inv, new CacheInvalidationStatus(Phase.FAILED, null, null, reason, null, inv.getMetadata().getGeneration()));
    metrics.reconciled(KIND, "failed");
    // The recorder drops a repeat of the same cause: one Event per cause, however many retries.
    events.warnOnce(inv, PUBLISH_FAILED, retry ? reason + " (retrying with backoff)" : reason + " (not retried: fix the spec)");
    if (old == null || old.phase() != Phase.FAILED || !Objects.equals(old.message(), reason)) {
      LOG.warn("event=invalidation_failed invalidation={}/{} retry={} reason=\"{}\"", inv.getMetadata().getNamespace(),
          inv.getMetadata().getName(), retry, reason);
    }
    if (!retry) {
      return UpdateControl.noUpdate();
    }
    int attempt = attempts.merge(inv.getMetadata().getUid(), 1, Integer::sum);
    Duration delay = backoff.delay(attempt);
    Integer ttl = inv.getSpec() == null ? null : inv.getSpec().ttlSecondsAfterFinished();
    if (ttl != null && inv.getMetadata().getCreationTimestamp() != null) {
      Duration untilExpiry = Duration.between(clock.instant(),
          Instant.parse(inv.getMetadata().getCreationTimestamp()).plusSeconds(ttl));
      if (!untilExpiry.isNegative() && untilExpiry.compareTo(delay) < 0) {
        delay = untilExpiry.plusMillis(10);
      }
    }
    return UpdateControl.<CacheInvalidation>noUpdate().rescheduleAfter(delay);
  }

  /** Writes the status unless it already says exactly that. */
  private void writeStatus(CacheInvalidation inv, CacheInvalidationStatus next) {
    if (next.equals(inv.getStatus())) {
      return;
    }
    CacheInvalidation written = client.resources(CacheInvalidation.class)
        .inNamespace(inv.getMetadata().getNamespace())
        .withName(inv.getMetadata().getName())
        .editStatus(current -> {
          current.setStatus(next);
          return current;
        });
    inv.setStatus(written.getStatus());
    inv.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
  }

  /** The publish token: the object's UID, unique per object, stable across operator restarts. */
  static String token(CacheInvalidation inv) {
    String uid = inv.getMetadata().getUid();
    return uid != null ? uid : inv.getMetadata().getNamespace() + "/" + inv.getMetadata().getName() + "@"
        + inv.getMetadata().getCreationTimestamp();
  }

  private static PolicyId policyId(CacheInvalidation inv) {
    return new PolicyId(inv.getMetadata().getNamespace(), inv.getSpec().policyRef());
  }
}
