package io.cachemesh.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.PodContract;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PodSelectionTest {
  static Stream<Arguments> selectors() {
    return Stream.of(
        Arguments.of("matchLabels equal", new LabelSelectorBuilder().withMatchLabels(Map.of("app", "shop")).build(), true),
        Arguments.of("matchLabels differ", new LabelSelectorBuilder().withMatchLabels(Map.of("app", "blog")).build(), false),
        Arguments.of("In", new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("In").withValues("web", "api").endMatchExpression().build(), true),
        Arguments.of("NotIn", new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("NotIn").withValues("web").endMatchExpression().build(), false),
        Arguments.of("Exists", new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("Exists").endMatchExpression().build(), true),
        Arguments.of("DoesNotExist", new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("DoesNotExist").endMatchExpression().build(), false),
        Arguments.of("empty selects all", new LabelSelectorBuilder().build(), true),
        Arguments.of("unknown operator selects nothing", new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("Near").endMatchExpression().build(), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selectors")
  void selectorMatchesAsKubernetesDoes(String name, io.fabric8.kubernetes.api.model.LabelSelector selector, boolean expected) {
    assertThat(PodSelection.matches(selector, Map.of("app", "shop", "tier", "web"))).isEqualTo(expected);
  }

  @Test
  void anAnnotatedPodCountsEvenWhenThePolicyHasNoSelector() {
    CachePolicy policy = Fixtures.policy("catalog", null, null, null);

    assertThat(PodSelection.selects(policy, Fixtures.pod("a", Map.of(), Map.of(PodContract.POLICY_ANNOTATION, "catalog"), false))).isTrue();
    assertThat(PodSelection.selects(policy, Fixtures.pod("b", Map.of("app", "shop"), Map.of(), false))).isFalse();
    assertThat(PodSelection.selects(policy, Fixtures.pod("c", Map.of(), Map.of(PodContract.POLICY_ANNOTATION, "other"), false))).isFalse();
  }

  @Test
  void podsOfAnotherNamespaceAreNeverSelected() {
    CachePolicy policy = Fixtures.policy("catalog", Map.of("app", "shop"), null, null);
    Pod elsewhere = new PodBuilder(Fixtures.pod("a", Map.of("app", "shop"), Map.of(), false))
        .editMetadata().withNamespace("blog").endMetadata().build();

    assertThat(PodSelection.selects(policy, elsewhere)).isFalse();
  }

  @Test
  void injectedMeansASidecarContainerOrInitContainer() {
    Pod native_ = Fixtures.pod("a", Map.of(), Map.of(), true);
    Pod regular = new PodBuilder(Fixtures.pod("b", Map.of(), Map.of(), false))
        .editSpec().addNewContainer().withName(PodContract.SIDECAR_CONTAINER).endContainer().endSpec().build();

    assertThat(PodSelection.isInjected(native_)).isTrue();
    assertThat(PodSelection.isInjected(regular)).isTrue();
    assertThat(PodSelection.isInjected(Fixtures.pod("c", Map.of(), Map.of(), false))).isFalse();
  }

  @Test
  void terminatingAndFinishedPodsDoNotCount() {
    Pod live = Fixtures.pod("a", Map.of(), Map.of(), false);
    Pod terminating = new PodBuilder(live).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
    Pod done = new PodBuilder(live).withNewStatus().withPhase("Succeeded").endStatus().build();

    assertThat(PodSelection.isLive(live)).isTrue();
    assertThat(PodSelection.isLive(terminating)).isFalse();
    assertThat(PodSelection.isLive(done)).isFalse();
  }
}
