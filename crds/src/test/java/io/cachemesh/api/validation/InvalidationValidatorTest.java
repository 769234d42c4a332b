package io.cachemesh.api.validation;

import static io.cachemesh.api.TestPolicies.assertOnlyError;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.yaml.PolicyYaml;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class InvalidationValidatorTest {

  static CacheInvalidation withSpec(String spec) throws InvalidPolicyException {
    return PolicyYaml.readInvalidation("""
        apiVersion: cachemesh.io/v1alpha1
        kind: CacheInvalidation
        metadata: {name: purge-1, namespace: shop}
        """ + "spec: " + spec + "\n");
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("{tags: [a]}", "spec.policyRef", "is required"),
        Arguments.of("{policyRef: '', tags: [a]}", "spec.policyRef", "is required"),
        Arguments.of("{policyRef: catalog}", "spec", "names nothing to purge: set tags, paths, prefixes or all: true"),
        Arguments.of("{policyRef: catalog, all: false}", "spec", "names nothing to purge"),
        Arguments.of("{policyRef: catalog, tags: [], paths: []}", "spec", "names nothing to purge"),
        Arguments.of("{policyRef: catalog, tags: [a, '']}", "spec.tags[1]", "is empty"),
        Arguments.of("{policyRef: catalog, tags: ['product:1 product:2']}", "spec.tags[0]", "contains whitespace"),
        Arguments.of("{policyRef: catalog, paths: [/a, products/42]}", "spec.paths[1]", "'products/42' must start with /"),
        Arguments.of("{policyRef: catalog, paths: ['https://shop.example/a']}", "spec.paths[0]", "without scheme or host"),
        Arguments.of("{policyRef: catalog, prefixes: [static/]}", "spec.prefixes[0]", "must start with /"),
        Arguments.of("{policyRef: catalog, paths: ['/blue shoes']}", "spec.paths[0]", "contains whitespace: percent-encode it"),
        Arguments.of("{policyRef: catalog, prefixes: ['/a\tb/']}", "spec.prefixes[0]", "contains whitespace"),
        Arguments.of("{policyRef: catalog, all: true, ttlSecondsAfterFinished: -1}", "spec.ttlSecondsAfterFinished", "must be 0 or more"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("invalidSpecs")
  void invalidInvalidationIsRefusedNamingTheField(String spec, String field, String reason) throws InvalidPolicyException {
    assertOnlyError(new InvalidationValidator().validate(withSpec(spec)), field, reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{policyRef: catalog, tags: ['product:42']}",
      "{policyRef: catalog, paths: [/products/42]}",
      "{policyRef: catalog, prefixes: [/static/]}",
      "{policyRef: catalog, all: true, mode: Soft, ttlSecondsAfterFinished: 0}",
      "{policyRef: catalog, tags: [a, b], paths: [/a], prefixes: [/b/], ttlSecondsAfterFinished: 3600}",
  })
  void validInvalidationPasses(String spec) throws InvalidPolicyException {
    assertThat(new InvalidationValidator().validate(withSpec(spec))).isEmpty();
  }

  @Test
  void everyErrorIsReturned() throws InvalidPolicyException {
    List<FieldError> errors = new InvalidationValidator().validate(withSpec("{paths: [a], prefixes: [b], ttlSecondsAfterFinished: -5}"));

    assertThat(errors).extracting(FieldError::field)
        .containsExactly("spec.policyRef", "spec.paths[0]", "spec.prefixes[0]", "spec.ttlSecondsAfterFinished");
  }

  @Test
  void invalidationWithoutSpecIsRefused() {
    CacheInvalidation invalidation = new CacheInvalidation();
    invalidation.setMetadata(new ObjectMeta());

    assertThat(new InvalidationValidator().validate(invalidation)).extracting(FieldError::field)
        .containsExactly("metadata.name", "spec");
  }
}
