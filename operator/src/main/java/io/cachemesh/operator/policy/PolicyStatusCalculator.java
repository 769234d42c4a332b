package io.cachemesh.operator.policy;

import io.cachemesh.api.CachePolicyStatus;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.operator.PodContract;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The status of a policy as a pure function of what was observed. Counts:
 *
 * <ul>
 *   <li>selected: the pods given (already filtered by {@link PodSelection});
 *   <li>injected: selected pods carrying the {@code cachemesh-sidecar} container;
 *   <li>in sync: injected pods whose sidecar's fresh heartbeat reports the hash in force; without a
 *       broker, injected pods whose {@code cachemesh.io/config-hash} annotation equals it;
 *   <li>outdated: selected pods with no sidecar, or whose {@code cachemesh.io/sidecar-version}
 *       differs from the operator's sidecar version;
 *   <li>hit ratio: hits / (hits + misses) summed over the selected pods' fresh heartbeats.
 * </ul>
 */
public final class PolicyStatusCalculator {
  static final int MAX_OUTDATED_NAMES = 20;

  private PolicyStatusCalculator() {}

  /**
   * @param hashInForce the hash of the config the ConfigMap holds (the new one when accepted, the
   *     last good one when not), or null when there is none yet
   * @param compileErrors null when the spec compiled, else every field error joined
   * @param bypassingServices one message per Service port that reaches selected pods by a numeric
   *     targetPort, bypassing the sidecar, with the fix; empty when none does
   */
  public record Observation(
      long generation,
      String hashInForce,
      String compileErrors,
      List<Pod> selectedPods,
      HeartbeatReadout heartbeats,
      String sidecarVersion,
      Instant now,
      List<String> bypassingServices) {
    public Observation {
      bypassingServices = List.copyOf(bypassingServices);
    }
  }

  public static CachePolicyStatus compute(Observation in, CachePolicyStatus previous) {
    List<Pod> pods = in.selectedPods().stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
    List<Pod> injected = pods.stream().filter(PodSelection::isInjected).toList();
    List<String> outdated = pods.stream()
        .filter(p -> !PodSelection.isInjected(p)
            || !Objects.equals(in.sidecarVersion(), PodSelection.annotation(p, PodContract.SIDECAR_VERSION_ANNOTATION)))
        .map(p -> p.getMetadata().getName())
        .toList();

    Integer inSync;
    Double hitRatio;
    switch (in.heartbeats()) {
      case HeartbeatReadout.NoBroker none -> {
        inSync = (int) injected.stream()
            .filter(p -> in.hashInForce() != null
                && in.hashInForce().equals(PodSelection.annotation(p, PodContract.CONFIG_HASH_ANNOTATION)))
            .count();
        hitRatio = null;
      }
      case HeartbeatReadout.Unavailable down -> {
        inSync = previous == null ? null : previous.inSyncPods();
        hitRatio = previous == null ? null : previous.hitRatio();
      }
      case HeartbeatReadout.Fresh fresh -> {
        Map<String, Heartbeat> byPod = fresh.heartbeats().stream()
            .collect(Collectors.toMap(Heartbeat::pod, Function.identity(), PolicyStatusCalculator::latest));
        inSync = (int) injected.stream()
            .map(p -> byPod.get(p.getMetadata().getName()))
            .filter(b -> b != null && in.hashInForce() != null && in.hashInForce().equals(b.configHash()))
            .count();
        hitRatio = hitRatio(pods.stream().map(p -> byPod.get(p.getMetadata().getName())).filter(Objects::nonNull).toList());
      }
    }

    long generation = in.generation();
    List<Condition> previousConditions = previous == null ? null : previous.conditions();
    List<Condition> conditions = Conditions.set(previousConditions, accepted(in), generation, in.now());
    conditions = Conditions.set(conditions, ready(in, pods.size(), injected.size(), inSync, outdated), generation, in.now());
    conditions = in.heartbeats() instanceof HeartbeatReadout.Unavailable down
        ? Conditions.set(conditions, new Conditions.Wanted(Conditions.BROKER_REACHABLE, false, "BrokerUnavailable", down.reason()), generation, in.now())
        : Conditions.remove(conditions, Conditions.BROKER_REACHABLE);
    conditions = in.bypassingServices().isEmpty()
        ? Conditions.remove(conditions, Conditions.SERVICES_REACH_SIDECAR)
        : Conditions.set(conditions, new Conditions.Wanted(Conditions.SERVICES_REACH_SIDECAR, false, "NumericTargetPort",
            String.join("; ", in.bypassingServices())), generation, in.now());

    return new CachePolicyStatus(
        generation,
        conditions,
        pods.size(),
        injected.size(),
        inSync,
        outdated.size(),
        // Absent rather than empty: the API drops an empty list, and a status read back must equal the one written.
        outdated.isEmpty() ? null : outdated.stream().limit(MAX_OUTDATED_NAMES).toList(),
        in.hashInForce(),
        hitRatio,
        hitRatio == null ? null : (int) Math.round(hitRatio * 100));
  }

  private static Conditions.Wanted accepted(Observation in) {
    if (in.compileErrors() != null) {
      return new Conditions.Wanted(Conditions.ACCEPTED, false, "InvalidSpec", in.compileErrors());
    }
    return new Conditions.Wanted(Conditions.ACCEPTED, true, "Compiled", "compiled config " + in.hashInForce());
  }

  private static Conditions.Wanted ready(Observation in, int selected, int injected, Integer inSync, List<String> outdated) {
    if (in.compileErrors() != null) {
      return new Conditions.Wanted(Conditions.READY, false, "InvalidSpec", "the spec does not compile; pods keep the last good config");
    }
    if (in.heartbeats() instanceof HeartbeatReadout.Unavailable down) {
      return new Conditions.Wanted(Conditions.READY, false, "BrokerUnavailable", "cannot read heartbeats: " + down.reason());
    }
    if (selected == 0) {
      return new Conditions.Wanted(Conditions.READY, true, "NoPodsSelected", "no pod is selected by this policy");
    }
    int synced = inSync == null ? 0 : inSync;
    if (injected == selected && synced == selected) {
      return new Conditions.Wanted(Conditions.READY, true, "AllPodsInSync", selected + " pods serve config " + in.hashInForce());
    }
    StringBuilder message = new StringBuilder()
        .append(synced).append('/').append(selected).append(" pods in sync, ")
        .append(injected).append('/').append(selected).append(" injected");
    if (!outdated.isEmpty()) {
      message.append("; outdated: ").append(String.join(", ", outdated.stream().limit(MAX_OUTDATED_NAMES).toList()));
    }
    String reason = injected < selected ? "SidecarMissing" : "PodsNotInSync";
    return new Conditions.Wanted(Conditions.READY, false, reason, message.toString());
  }

  /** Rounded to 3 decimals, so that a trickle of traffic does not rewrite the status at every heartbeat. */
  static Double hitRatio(List<Heartbeat> beats) {
    long hits = beats.stream().mapToLong(Heartbeat::hits).sum();
    long total = hits + beats.stream().mapToLong(Heartbeat::misses).sum();
    if (total == 0) {
      return null;
    }
    return Math.round(hits * 1000.0 / total) / 1000.0;
  }

  private static Heartbeat latest(Heartbeat a, Heartbeat b) {
    return a.timeMillis() >= b.timeMillis() ? a : b;
  }
}
