package io.cachemesh.operator.policy;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Kubernetes conditions with the usual transition rule: {@code lastTransitionTime} moves only when
 * a condition's status changes, so an unchanged condition never makes a status differ.
 */
public final class Conditions {
  public static final String ACCEPTED = "Accepted";
  public static final String READY = "Ready";
  public static final String BROKER_REACHABLE = "BrokerReachable";
  /** Present (False) only while a Service reaches selected pods by a numeric targetPort, bypassing the cache. */
  public static final String SERVICES_REACH_SIDECAR = "ServicesReachSidecar";

  private Conditions() {}

  /** A condition value, before its transition time is known. */
  public record Wanted(String type, boolean status, String reason, String message) {}

  /**
   * The conditions after setting {@code wanted}: order kept, a condition of the same type replaced,
   * its transition time kept when its status did not change.
   */
  public static List<Condition> set(List<Condition> previous, Wanted wanted, long generation, Instant now) {
    List<Condition> result = new ArrayList<>(previous == null ? List.of() : previous);
    Condition old = find(result, wanted.type());
    String status = wanted.status() ? "True" : "False";
    String transition = old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
        ? old.getLastTransitionTime()
        : now.truncatedTo(ChronoUnit.SECONDS).toString();
    Condition next = new ConditionBuilder()
        .withType(wanted.type())
        .withStatus(status)
        .withReason(wanted.reason())
        .withMessage(wanted.message())
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
    if (old == null) {
      result.add(next);
    } else {
      result.set(result.indexOf(old), next);
    }
    return List.copyOf(result);
  }

  public static List<Condition> remove(List<Condition> previous, String type) {
    if (previous == null) {
      return List.of();
    }
    return previous.stream().filter(c -> !Objects.equals(c.getType(), type)).toList();
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> Objects.equals(c.getType(), type)).findFirst().orElse(null);
  }
}
