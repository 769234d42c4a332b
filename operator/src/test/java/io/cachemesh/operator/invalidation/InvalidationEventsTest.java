package io.cachemesh.operator.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.api.CacheInvalidationSpec;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.operator.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidationEventsTest {
  private final CachePolicy policy = Fixtures.policy("catalog", null, "redis", null);

  @Test
  void specBecomesAVersionedEventThatReadersParseBack() throws Exception {
    var spec = new CacheInvalidationSpec("catalog", List.of("product:42"), List.of("/a"), List.of("/b/"), null, PurgeMode.SOFT, null);

    InvalidationEvent event = InvalidationEvents.from(spec, policy, "operator/shop/x");

    assertThat(InvalidationEvent.parse(event.toFields())).isEqualTo(event);
    assertThat(event.toFields()).containsEntry("mode", "soft").containsEntry("origin", "operator/shop/x");
  }

  @Test
  void valuesTheStreamSchemaCannotCarryAreRefusedNamingTheField() {
    assertThatThrownBy(() -> InvalidationEvents.from(
        new CacheInvalidationSpec("catalog", List.of("a b"), null, null, null, null, null), policy, "o"))
        .hasMessageStartingWith("spec.tags[0]:");
    assertThatThrownBy(() -> InvalidationEvents.from(
        new CacheInvalidationSpec("catalog", null, List.of("/ok", "relative"), null, null, null, null), policy, "o"))
        .hasMessageStartingWith("spec.paths[1]:");
    assertThatThrownBy(() -> InvalidationEvents.from(
        new CacheInvalidationSpec("catalog", null, null, null, false, null, null), policy, "o"))
        .hasMessageContaining("tags, paths, prefixes or all");
  }
}
