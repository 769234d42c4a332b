package io.cachemesh.operator.ops;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on the operator's resources, deduplicated: an event is recorded once per
 * object, reason and message, not at every reconcile. Best effort: a failure is logged, never
 * fails a reconcile.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "cachemesh-operator";

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, String> lastMessage = new ConcurrentHashMap<>();

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Records a Warning unless the same reason and message were recorded last for this object. */
  public void warnOnce(HasMetadata involved, String reason, String message) {
    String key = involved.getMetadata().getUid() + "/" + reason;
    if (Objects.equals(lastMessage.put(key, message), message)) {
      return;
    }
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var event = new EventBuilder()
        .withNewMetadata()
        .withName(involved.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
        .withNamespace(involved.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(involved.getApiVersion())
            .withKind(involved.getKind())
            .withName(involved.getMetadata().getName())
            .withNamespace(involved.getMetadata().getNamespace())
            .withUid(involved.getMetadata().getUid())
            .withResourceVersion(involved.getMetadata().getResourceVersion())
            .build())
        .withType("Warning")
        .withReason(reason)
        .withMessage(message)
        .withCount(1)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(involved.getMetadata().getNamespace()).resource(event).create();
      LOG.info("event=k8s_event_recorded kind={} name={}/{} reason={}", involved.getKind(),
          involved.getMetadata().getNamespace(), involved.getMetadata().getName(), reason);
    } catch (KubernetesClientException e) {
      lastMessage.remove(key);
      LOG.warn("event=k8s_event_failed reason={} code={} message=\"{}\"", reason, e.getCode(), e.getMessage());
    }
  }

  /** Forgets what was recorded for a reason, so the next occurrence is recorded again. */
  public void clear(HasMetadata involved, String reason) {
    lastMessage.remove(involved.getMetadata().getUid() + "/" + reason);
  }
}
