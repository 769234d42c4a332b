package io.cachemesh.operator.policy;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the workloads owning pods that miss the sidecar, the way {@code kubectl rollout restart}
 * does: a JSON merge patch of the pod template's {@code kubectl.kubernetes.io/restartedAt}
 * annotation. Only when the policy opted in ({@code spec.rollout: Restart}), because it changes a
 * user's Deployment and GitOps tools report that as drift.
 */
public final class RolloutRestart {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutRestart.class);
  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  /** A Deployment or StatefulSet, by namespace and name. */
  public record Workload(String kind, String namespace, String name) {}

  private final KubernetesClient client;

  public RolloutRestart(KubernetesClient client) {
    this.client = client;
  }

  /** The JSON merge patch that restarts a workload's pods. */
  public static String patch(Instant now) {
    return "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\""
        + RESTARTED_AT + "\":\"" + now.truncatedTo(ChronoUnit.SECONDS) + "\"}}}}}";
  }

  /** The workloads owning the pods: pod -> ReplicaSet -> Deployment, or pod -> StatefulSet. Others are skipped. */
  public Set<Workload> owners(Collection<Pod> pods) {
    Set<Workload> owners = new LinkedHashSet<>();
    for (Pod pod : pods) {
      controller(pod.getMetadata().getOwnerReferences()).flatMap(ref -> resolve(pod.getMetadata().getNamespace(), ref))
          .ifPresent(owners::add);
    }
    return owners;
  }

  public void restart(Workload workload, Instant now) {
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    String body = patch(now);
    switch (workload.kind()) {
      case "Deployment" -> client.apps().deployments().inNamespace(workload.namespace()).withName(workload.name()).patch(merge, body);
      case "StatefulSet" -> client.apps().statefulSets().inNamespace(workload.namespace()).withName(workload.name()).patch(merge, body);
      default -> throw new IllegalArgumentException("cannot restart a " + workload.kind());
    }
    LOG.info("event=workload_restarted kind={} workload={}/{}", workload.kind(), workload.namespace(), workload.name());
  }

  private Optional<Workload> resolve(String namespace, OwnerReference ref) {
    return switch (ref.getKind()) {
      case "StatefulSet" -> Optional.of(new Workload("StatefulSet", namespace, ref.getName()));
      case "ReplicaSet" -> {
        ReplicaSet replicaSet = client.apps().replicaSets().inNamespace(namespace).withName(ref.getName()).get();
        yield replicaSet == null ? Optional.empty()
            : controller(replicaSet.getMetadata().getOwnerReferences())
                .filter(owner -> "Deployment".equals(owner.getKind()))
                .map(owner -> new Workload("Deployment", namespace, owner.getName()));
      }
      default -> Optional.empty();
    };
  }

  private static Optional<OwnerReference> controller(java.util.List<OwnerReference> refs) {
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }
}
