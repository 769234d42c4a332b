package io.cachemesh.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorsTest {
  private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front");

  static Stream<Arguments> selectors() {
    return Stream.of(
        Arguments.of("null selects nothing", null, false),
        Arguments.of("empty selects everything", new LabelSelector(), true),
        Arguments.of("matchLabels hit", new LabelSelectorBuilder().addToMatchLabels("app", "web").build(), true),
        Arguments.of("matchLabels miss", new LabelSelectorBuilder().addToMatchLabels("app", "api").build(), false),
        Arguments.of("In", expr("tier", "In", "front", "back"), true),
        Arguments.of("NotIn", expr("tier", "NotIn", "front"), false),
        Arguments.of("NotIn absent key", expr("zone", "NotIn", "a"), true),
        Arguments.of("Exists", expr("app", "Exists"), true),
        Arguments.of("DoesNotExist", expr("app", "DoesNotExist"), false),
        Arguments.of("unknown operator", expr("app", "Like", "w"), false),
        Arguments.of("missing operator", expr("app", null), false));
  }

  private static LabelSelector expr(String key, String op, String... values) {
    return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(op).withValues(values)
        .endMatchExpression().build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selectors")
  void selectorSemanticsFollowKubernetes(String name, LabelSelector selector, boolean matches) {
    assertThat(LabelSelectors.matches(selector, LABELS)).isEqualTo(matches);
  }
}
