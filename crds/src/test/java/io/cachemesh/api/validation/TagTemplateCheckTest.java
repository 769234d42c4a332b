package io.cachemesh.api.validation;

import static io.cachemesh.api.TestPolicies.assertOnlyError;
import static io.cachemesh.api.TestPolicies.assertValid;
import static io.cachemesh.api.TestPolicies.withUpstream;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tag templates name only parameters the rule's path defines, and are well-formed. */
class TagTemplateCheckTest {

  static Stream<Arguments> invalidTags() {
    return Stream.of(
        Arguments.of("rules: [{name: a, match: {path: {template: '/products/{id}'}}, tags: ['product:{sku}']}]",
            "spec.rules[0].tags[0]", "'{sku}' is not a path parameter: this rule's path defines {id}"),
        Arguments.of("rules: [{name: a, match: {path: {regex: '^/p/(?<id>[0-9]+)$'}}, tags: [products, 'product:{slug}']}]",
            "spec.rules[0].tags[1]", "'{slug}' is not a path parameter"),
        Arguments.of("rules: [{name: a, match: {path: {prefix: /products/}}, tags: ['product:{id}']}]",
            "spec.rules[0].tags[0]", "this rule's path has no parameters"),
        Arguments.of("rules: [{name: a, tags: ['product:{id}']}]",
            "spec.rules[0].tags[0]", "this rule's path has no parameters"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/products/{id}'}}, tags: ['product:{id']}]",
            "spec.rules[0].tags[0]", "has an unclosed '{'"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/products/{id}'}}, tags: ['product:id}']}]",
            "spec.rules[0].tags[0]", "has an unbalanced '}'"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/products/{id}'}}, tags: ['product:{}']}]",
            "spec.rules[0].tags[0]", "has a bad parameter '{}'"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/products/{id}'}}, tags: ['product:{i-d}']}]",
            "spec.rules[0].tags[0]", "a parameter is a letter followed by letters or digits"),
        Arguments.of("rules: [{name: a, tags: ['']}]", "spec.rules[0].tags[0]", "is empty"),
        Arguments.of("rules: [{name: a, tags: ['all products']}]", "spec.rules[0].tags[0]", "contains whitespace"),
        Arguments.of("defaults: {tags: ['page:{path}']}", "spec.defaults.tags[0]", "spec.defaults.tags apply where no path parameters exist"),
        Arguments.of("defaults: {tags: [site, 'x{']}", "spec.defaults.tags[1]", "has an unclosed '{'"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("invalidTags")
  void invalidTagTemplateIsRefused(String spec, String field, String reason) {
    assertOnlyError(withUpstream(spec), field, reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "rules: [{name: a, match: {path: {template: '/shops/{shop}/products/{id}'}}, tags: ['product:{id}', 'shop:{shop}:{id}', products]}]",
      "rules: [{name: a, match: {path: {regex: '^/p/(?<id>[0-9]+)/(?<page>[0-9]+)$'}}, tags: ['product:{id}', 'page:{id}-{page}']}]",
      "rules: [{name: a, match: {path: {exact: /about}}, tags: [static-pages]}]",
      "defaults: {tags: [site]}\nrules: [{name: a, match: {path: {template: '/products/{id}'}}}]",
  })
  void wellFormedTagTemplatesUsingPathParametersPass(String spec) {
    assertValid(withUpstream(spec));
  }

  @Test
  void tagsOfARuleWithAnInvalidPathAreCheckedOnlyForForm() {
    assertOnlyError(withUpstream("rules: [{name: a, match: {path: {template: '/p/{id'}}, tags: ['product:{id}']}]"),
        "spec.rules[0].match.path.template", "unclosed");
  }
}
