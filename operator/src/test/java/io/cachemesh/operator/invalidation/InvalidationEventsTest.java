package io.cachemesh.operator.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationSpec;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.operator.Fixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidationEventsTest {
  private final CachePolicy policy = Fixtures.policy("catalog", null, "redis", null);

  private static CacheInvalidation invalidation(CacheInvalidationSpec spec) {
    CacheInvalidation invalidation = new CacheInvalidation();
    invalidation.setMetadata(new ObjectMetaBuilder().withName("purge").withNamespace("shop").build());
    invalidation.setSpec(spec);
    return invalidation;
  }

  @Test
  void specBecomesAVersionedEventThatReadersParseBack() throws Exception {
    var spec = new CacheInvalidationSpec("catalog", List.of("product:42"), List.of("/a"), List.of("/b/"), null, PurgeMode.SOFT, null);

    InvalidationEvent event = InvalidationEvents.from(invalidation(spec), policy, "operator/shop/x");

    assertThat(InvalidationEvent.parse(event.toFields())).isEqualTo(event);
    assertThat(event.toFields()).containsEntry("mode", "soft").containsEntry("origin", "operator/shop/x");
  }

  @Test
  void invalidSpecsAreRefusedWithEveryErrorOfTheSharedValidator() {
    assertThatThrownBy(() -> InvalidationEvents.from(invalidation(
        new CacheInvalidationSpec(" ", List.of("a b"), List.of("/ok", "relative"), null, null, null, null)), policy, "o"))
        .hasMessage("spec.policyRef: is required: the name of the CachePolicy whose caches are purged;"
            + " spec.tags[0]: 'a b' contains whitespace: list each tag separately;"
            + " spec.paths[1]: 'relative' must start with / (a path, without scheme or host)");
    assertThatThrownBy(() -> InvalidationEvents.from(invalidation(
        new CacheInvalidationSpec("catalog", null, null, null, false, null, null)), policy, "o"))
        .hasMessageContaining("tags, paths, prefixes or all");
  }

  @Test
  void aValidSpecTheEventSchemaCannotCarryIsRefusedNamingTheField() {
    List<String> tooMany = Collections.nCopies(1001, "product:1");

    assertThatThrownBy(() -> InvalidationEvents.from(invalidation(
        new CacheInvalidationSpec("catalog", tooMany, null, null, null, null, null)), policy, "o"))
        .hasMessageStartingWith("spec.tags: more than 1000 values");
  }
}
