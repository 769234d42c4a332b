package io.cachemesh.api.yaml;

import static io.cachemesh.api.TestPolicies.read;
import static io.cachemesh.api.TestPolicies.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.validation.FieldError;
import io.cachemesh.api.validation.InvalidPolicyException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyYamlTest {
  private static final String HEAD = """
      apiVersion: cachemesh.io/v1alpha1
      kind: CachePolicy
      metadata: {name: catalog, namespace: shop}
      """;

  @Test
  void policySurvivesYamlToTypesToYamlToTypes() throws InvalidPolicyException {
    CachePolicy first = read(resource("every-field.yaml"));
    String written = PolicyYaml.write(first);
    CachePolicy second = PolicyYaml.readPolicy(written);

    assertThat(second).isEqualTo(first);
    assertThat(second.getSpec()).isEqualTo(first.getSpec());
    assertThat(PolicyYaml.write(second)).isEqualTo(written);
  }

  @Test
  void writtenYamlCarriesNoDefaultsTheUserDidNotWrite() {
    String written = PolicyYaml.write(read(HEAD + "spec: {upstream: {port: 8080}}\n"));

    assertThat(written).doesNotContain("null").doesNotContain("rules").doesNotContain("ttl").contains("port: 8080");
  }

  @Test
  void invalidationSurvivesYamlToTypesToYamlToTypes() throws InvalidPolicyException {
    CacheInvalidation first = PolicyYaml.readInvalidation("""
        apiVersion: cachemesh.io/v1alpha1
        kind: CacheInvalidation
        metadata: {name: purge, namespace: shop}
        spec: {policyRef: catalog, tags: ['product:42'], paths: [/p/42], prefixes: [/static/], all: false, mode: Soft,
          ttlSecondsAfterFinished: 60}
        """);

    assertThat(PolicyYaml.readInvalidation(PolicyYaml.write(first))).isEqualTo(first);
  }

  static Stream<Arguments> badDocuments() {
    return Stream.of(
        Arguments.of(HEAD + "spec:\n  upstream: {port: 8080}\n  rules:\n    - {name: a, tll: 5m}\n", "spec.rules[0].tll", "unknown field"),
        Arguments.of(HEAD + "spec: {upstream: {port: 8080}, tiers: {memory: {maxsize: 1Gi}}}\n", "spec.tiers.memory.maxsize", "unknown field"),
        Arguments.of(HEAD + "spec: {upstream: {port: 8080}}\nstatus: {hitRatio: 1, hits: 2}\n", "status.hits", "unknown field"),
        Arguments.of(HEAD + "spec: {upstream: {port: 8080}, keyVersion: two}\n", "spec.keyVersion", "two"),
        Arguments.of(HEAD + "spec: {upstream: {port: 8080}, rules: {name: a}}\n", "spec.rules", "Cannot deserialize"),
        Arguments.of(HEAD + "spec: {upstream: {port: 8080}, rules: [{name: a, cache: maybe}]}\n", "spec.rules[0].cache", "maybe"),
        Arguments.of(HEAD + "spec: {upstream: {port: 8080}, defaults: {scope: Private}}\n", "spec.defaults.scope", "Private"),
        Arguments.of(HEAD + "spec: {upstream: {port: 8080}, rules: [{name: a, tags: {a: b}}]}\n", "spec.rules[0].tags", "Cannot deserialize"),
        Arguments.of("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: catalog}\n", "kind", "must be CachePolicy, not Deployment"),
        Arguments.of("apiVersion: cachemesh.io/v1alpha1\nmetadata: {name: catalog}\nspec: {upstream: {port: 8080}}\n", "kind",
            "must be CachePolicy, not missing"),
        Arguments.of("apiVersion: cachemesh.io/v1\nkind: CachePolicy\nmetadata: {name: catalog}\n", "apiVersion",
            "must be cachemesh.io/v1alpha1, not cachemesh.io/v1"),
        Arguments.of("- a\n- b\n", "(document)", "must be a mapping"),
        Arguments.of("", "(document)", "is empty"),
        Arguments.of("spec: [unclosed\n", "(document)", "is not valid YAML"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("badDocuments")
  void badDocumentIsRefusedNamingTheField(String yaml, String field, String reason) {
    assertThatExceptionOfType(InvalidPolicyException.class).isThrownBy(() -> PolicyYaml.readPolicy(yaml))
        .satisfies(e -> assertThat(e.errors()).hasSize(1))
        .satisfies(e -> assertThat(e.errors().getFirst().field()).isEqualTo(field))
        .satisfies(e -> assertThat(e.errors().getFirst().reason()).contains(reason));
  }

  @Test
  void policyIsNotReadAsAnInvalidation() {
    assertThatExceptionOfType(InvalidPolicyException.class)
        .isThrownBy(() -> PolicyYaml.readInvalidation(HEAD + "spec: {upstream: {port: 8080}}\n"))
        .satisfies(e -> assertThat(e.errors().getFirst()).isEqualTo(new FieldError("kind", "must be CacheInvalidation, not CachePolicy")));
  }
}
