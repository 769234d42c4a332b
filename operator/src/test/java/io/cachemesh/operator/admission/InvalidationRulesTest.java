package io.cachemesh.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationSpec;
import io.cachemesh.api.validation.FieldError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidationRulesTest {
  static Stream<Arguments> specs() {
    return Stream.of(
        Arguments.of("tags", new CacheInvalidationSpec("catalog", List.of("product:1"), null, null, null, null, null), List.of()),
        Arguments.of("all", new CacheInvalidationSpec("catalog", null, null, null, true, null, null), List.of()),
        Arguments.of("absolute paths and prefixes", new CacheInvalidationSpec("catalog", null, List.of("/a"), List.of("/b/"), null, null, null), List.of()),
        Arguments.of("no spec", null, List.of("spec")),
        Arguments.of("nothing to purge", new CacheInvalidationSpec("catalog", List.of(), null, null, false, null, null), List.of("spec")),
        Arguments.of("every error at once", new CacheInvalidationSpec(" ", null, List.of("x"), List.of("/ok", "y"), null, null, null),
            List.of("spec.policyRef", "spec.paths[0]", "spec.prefixes[1]")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void reportsEveryFieldErrorByPath(String name, CacheInvalidationSpec spec, List<String> fields) {
    CacheInvalidation invalidation = new CacheInvalidation();
    invalidation.setSpec(spec);
    assertThat(new InvalidationRules().validate(invalidation)).extracting(FieldError::field).containsExactlyElementsOf(fields);
  }
}
