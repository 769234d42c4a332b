package io.cachemesh.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicyStatus;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.PodContract;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PolicyStatusCalculatorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String HASH = "abc123";

  private static Pod injected(String name, String version, String hash) {
    return Fixtures.pod(name, Map.of("app", "shop"),
        Map.of(PodContract.SIDECAR_VERSION_ANNOTATION, version, PodContract.CONFIG_HASH_ANNOTATION, hash), true);
  }

  private static Pod bare(String name) {
    return Fixtures.pod(name, Map.of("app", "shop"), Map.of(), false);
  }

  private static Heartbeat beat(String pod, String hash, long hits, long misses) {
    return new Heartbeat(pod, hash, Fixtures.SIDECAR_VERSION, hits, misses, "0-0", NOW.toEpochMilli());
  }

  private static CachePolicyStatus compute(List<Pod> pods, HeartbeatReadout beats, String errors, CachePolicyStatus previous) {
    return PolicyStatusCalculator.compute(
        new PolicyStatusCalculator.Observation(4, HASH, errors, pods, beats, Fixtures.SIDECAR_VERSION, NOW, List.of()), previous);
  }

  private static Condition condition(CachePolicyStatus status, String type) {
    return Conditions.find(status.conditions(), type);
  }

  @Test
  void countsSelectedInjectedInSyncAndOutdatedFromPodsAndHeartbeats() {
    List<Pod> pods = List.of(
        injected("a", Fixtures.SIDECAR_VERSION, HASH),
        injected("b", Fixtures.SIDECAR_VERSION, HASH),
        injected("c", "0.9.0", HASH),
        bare("d"));
    HeartbeatReadout beats = new HeartbeatReadout.Fresh(List.of(
        beat("a", HASH, 30, 10), beat("b", "oldhash", 10, 0), beat("c", HASH, 0, 0), beat("elsewhere", HASH, 1000, 0)));

    CachePolicyStatus status = compute(pods, beats, null, null);

    assertThat(status.observedGeneration()).isEqualTo(4L);
    assertThat(status.selectedPods()).isEqualTo(4);
    assertThat(status.injectedPods()).isEqualTo(3);
    assertThat(status.inSyncPods()).isEqualTo(2);
    assertThat(status.outdatedPods()).isEqualTo(2);
    assertThat(status.outdatedPodNames()).containsExactly("c", "d");
    assertThat(status.configHash()).isEqualTo(HASH);
    assertThat(status.hitRatio()).isEqualTo(0.8);
    assertThat(status.hitPercent()).isEqualTo(80);
    assertThat(condition(status, "Accepted").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("SidecarMissing");
  }

  @Test
  void serviceBypassingTheSidecarIsAConditionThatGoesAwayOnceFixed() {
    List<Pod> pods = List.of(injected("a", Fixtures.SIDECAR_VERSION, HASH));
    HeartbeatReadout beats = new HeartbeatReadout.Fresh(List.of(beat("a", HASH, 1, 1)));
    String finding = "Service web port http targets port 8080 by number, which bypasses the cachemesh sidecar: use targetPort: http";

    CachePolicyStatus bypassed = PolicyStatusCalculator.compute(new PolicyStatusCalculator.Observation(
        4, HASH, null, pods, beats, Fixtures.SIDECAR_VERSION, NOW, List.of(finding)), null);
    CachePolicyStatus fixed = compute(pods, beats, null, bypassed);

    assertThat(condition(bypassed, Conditions.SERVICES_REACH_SIDECAR)).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("NumericTargetPort");
      assertThat(c.getMessage()).isEqualTo(finding);
    });
    assertThat(condition(bypassed, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(fixed, Conditions.SERVICES_REACH_SIDECAR)).isNull();
  }

  @Test
  void everyPodInjectedAndInSyncIsReady() {
    List<Pod> pods = List.of(injected("a", Fixtures.SIDECAR_VERSION, HASH), injected("b", Fixtures.SIDECAR_VERSION, HASH));
    CachePolicyStatus status = compute(pods, new HeartbeatReadout.Fresh(List.of(beat("a", HASH, 1, 1), beat("b", HASH, 1, 1))), null, null);

    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("AllPodsInSync");
    assertThat(status.outdatedPodNames()).isNull();
  }

  @Test
  void withoutBrokerSyncIsJudgedFromThePodsConfigHashAnnotation() {
    List<Pod> pods = List.of(injected("a", Fixtures.SIDECAR_VERSION, HASH), injected("b", Fixtures.SIDECAR_VERSION, "older"));

    CachePolicyStatus status = compute(pods, new HeartbeatReadout.NoBroker(), null, null);

    assertThat(status.inSyncPods()).isEqualTo(1);
    assertThat(status.hitRatio()).isNull();
    assertThat(status.hitPercent()).isNull();
    assertThat(condition(status, "Ready").getReason()).isEqualTo("PodsNotInSync");
  }

  @Test
  void brokerDownKeepsTheLastCountsAndSaysWhy() {
    List<Pod> pods = List.of(injected("a", Fixtures.SIDECAR_VERSION, HASH));
    CachePolicyStatus before = compute(pods, new HeartbeatReadout.Fresh(List.of(beat("a", HASH, 3, 1))), null, null);

    CachePolicyStatus during = compute(pods, new HeartbeatReadout.Unavailable("connection refused"), null, before);

    assertThat(during.inSyncPods()).isEqualTo(1);
    assertThat(during.hitRatio()).isEqualTo(0.75);
    assertThat(condition(during, "Ready").getReason()).isEqualTo("BrokerUnavailable");
    assertThat(condition(during, "BrokerReachable").getStatus()).isEqualTo("False");
    assertThat(condition(compute(pods, new HeartbeatReadout.Fresh(List.of()), null, during), "BrokerReachable")).isNull();
  }

  @Test
  void invalidSpecIsNotAcceptedAndNotReadyWithTheErrors() {
    CachePolicyStatus status = compute(List.of(), new HeartbeatReadout.NoBroker(), "spec.upstream.port: is required", null);

    assertThat(condition(status, "Accepted").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Accepted").getReason()).isEqualTo("InvalidSpec");
    assertThat(condition(status, "Accepted").getMessage()).isEqualTo("spec.upstream.port: is required");
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
    assertThat(status.configHash()).isEqualTo(HASH);
  }

  @Test
  void noPodSelectedIsReady() {
    CachePolicyStatus status = compute(List.of(), new HeartbeatReadout.NoBroker(), null, null);

    assertThat(status.selectedPods()).isZero();
    assertThat(condition(status, "Ready").getReason()).isEqualTo("NoPodsSelected");
  }

  @Test
  void sameObservationGivesAnEqualStatusSoNothingIsWritten() {
    List<Pod> pods = List.of(injected("a", Fixtures.SIDECAR_VERSION, HASH), bare("b"));
    HeartbeatReadout beats = new HeartbeatReadout.Fresh(List.of(beat("a", HASH, 5, 5)));
    CachePolicyStatus first = compute(pods, beats, null, null);

    CachePolicyStatus second = PolicyStatusCalculator.compute(
        new PolicyStatusCalculator.Observation(4, HASH, null, pods, beats, Fixtures.SIDECAR_VERSION, NOW.plusSeconds(60), List.of()), first);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void outdatedNamesAreCappedButCounted() {
    List<Pod> pods = IntStream.range(0, 25).mapToObj(i -> bare("pod-%02d".formatted(i))).toList();

    CachePolicyStatus status = compute(pods, new HeartbeatReadout.NoBroker(), null, null);

    assertThat(status.outdatedPods()).isEqualTo(25);
    assertThat(status.outdatedPodNames()).hasSize(20).startsWith("pod-00");
  }
}
