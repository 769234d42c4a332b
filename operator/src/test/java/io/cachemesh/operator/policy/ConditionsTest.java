package io.cachemesh.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

  @Test
  void aNewConditionTransitionsNow() {
    List<Condition> conditions = Conditions.set(null, new Conditions.Wanted("Ready", true, "AllPodsInSync", "ok"), 3, T0);

    assertThat(conditions).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(c.getObservedGeneration()).isEqualTo(3L);
    });
  }

  @Test
  void sameStatusKeepsTheTransitionTimeEvenWhenTheMessageChanges() {
    List<Condition> before = Conditions.set(null, new Conditions.Wanted("Ready", false, "PodsNotInSync", "1/3"), 1, T0);
    List<Condition> after = Conditions.set(before, new Conditions.Wanted("Ready", false, "PodsNotInSync", "2/3"), 1, T1);

    assertThat(after.getFirst().getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(after.getFirst().getMessage()).isEqualTo("2/3");
  }

  @Test
  void unchangedConditionIsEqualSoTheStatusDoesNotChurn() {
    Conditions.Wanted wanted = new Conditions.Wanted("Accepted", true, "Compiled", "compiled config abc");
    List<Condition> before = Conditions.set(null, wanted, 1, T0);

    assertThat(Conditions.set(before, wanted, 1, T1)).isEqualTo(before);
  }

  @Test
  void statusFlipMovesTheTransitionTimeAndKeepsOrder() {
    List<Condition> before = Conditions.set(
        Conditions.set(null, new Conditions.Wanted("Accepted", true, "Compiled", "x"), 1, T0),
        new Conditions.Wanted("Ready", true, "AllPodsInSync", "x"), 1, T0);
    List<Condition> after = Conditions.set(before, new Conditions.Wanted("Accepted", false, "InvalidSpec", "bad"), 2, T1);

    assertThat(after).extracting(Condition::getType).containsExactly("Accepted", "Ready");
    assertThat(after.getFirst().getLastTransitionTime()).isEqualTo("2026-01-01T00:05:00Z");
    assertThat(after.get(1).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void removeDropsOnlyThatType() {
    List<Condition> both = Conditions.set(
        Conditions.set(null, new Conditions.Wanted("Ready", true, "r", "m"), 1, T0),
        new Conditions.Wanted("BrokerReachable", false, "b", "m"), 1, T0);

    assertThat(Conditions.remove(both, "BrokerReachable")).extracting(Condition::getType).containsExactly("Ready");
  }
}
