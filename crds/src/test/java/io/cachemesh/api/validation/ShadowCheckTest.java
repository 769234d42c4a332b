package io.cachemesh.api.validation;

import static io.cachemesh.api.TestPolicies.assertOnlyError;
import static io.cachemesh.api.TestPolicies.assertValid;
import static io.cachemesh.api.TestPolicies.withUpstream;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A rule that an earlier rule always wins over is reported on the later rule's match. */
class ShadowCheckTest {

  static String rules(String first, String second) {
    return "rules:\n  - {name: first, " + first + "}\n  - {name: second, " + second + "}";
  }

  static Stream<Arguments> shadowed() {
    return Stream.of(
        Arguments.of("ttl: 1m", "match: {path: {exact: /a}}"),
        Arguments.of("ttl: 1m", "ttl: 2m"),
        Arguments.of("cache: false, match: {methods: [GET, HEAD, POST]}", "match: {methods: [GET], path: {prefix: /api/}}"),
        Arguments.of("match: {methods: [get, head]}", "match: {methods: [HEAD]}"),
        Arguments.of("match: {path: {prefix: /products}}", "match: {path: {exact: /products/42}}"),
        Arguments.of("match: {path: {prefix: /products/}}", "match: {path: {prefix: /products/featured}}"),
        Arguments.of("match: {path: {prefix: /products/}}", "match: {path: {prefix: /products/}}"),
        Arguments.of("match: {path: {prefix: /products/}}", "match: {path: {template: '/products/{id}'}}"),
        Arguments.of("match: {path: {prefix: /products}}", "match: {path: {template: '/products{suffix}'}}"),
        Arguments.of("match: {path: {exact: /about}}", "match: {path: {exact: /about}}"),
        Arguments.of("match: {path: {template: '/products/{id}'}}", "match: {path: {exact: /products/42}}"),
        Arguments.of("match: {path: {template: '/products/{id}'}}", "match: {path: {template: '/products/{sku}'}}"),
        Arguments.of("match: {path: {regex: '^/p/[0-9]+$'}}", "match: {path: {regex: '^/p/[0-9]+$'}}"),
        Arguments.of("match: {path: {regex: '^/p/[0-9]+$'}}", "match: {path: {exact: /p/7}}"));
  }

  @ParameterizedTest(name = "[{0}] shadows [{1}]")
  @MethodSource("shadowed")
  void ruleCoveredByAnEarlierRuleIsReportedNamingIt(String first, String second) {
    assertOnlyError(withUpstream(rules(first, second)), "spec.rules[1].match",
        "can never match: rule 'first' (spec.rules[0]) comes first");
  }

  static Stream<Arguments> notShadowed() {
    return Stream.of(
        Arguments.of("match: {methods: [GET], path: {prefix: /}}", "match: {path: {prefix: /a}}"),
        Arguments.of("match: {path: {prefix: /products/1}}", "match: {path: {template: '/products/{id}'}}"),
        Arguments.of("match: {path: {exact: /a}}", "match: {path: {prefix: /a}}"),
        Arguments.of("match: {path: {exact: /a}}", "match: {path: {exact: /b}}"),
        Arguments.of("match: {path: {prefix: /api}}", "match: {path: {prefix: /ap}}"),
        Arguments.of("match: {path: {template: '/products/{id}'}}", "match: {path: {exact: /products/}}"),
        Arguments.of("match: {path: {template: '/products/{id}'}}", "match: {path: {exact: /products/42/reviews}}"),
        Arguments.of("match: {path: {template: '/products/{id}'}}", "match: {path: {template: '/products/{id}/reviews'}}"),
        Arguments.of("match: {path: {template: '/products/{id}'}}", "match: {path: {prefix: /products/}}"),
        // Regexes are compared only as text: equivalent ones are not proven to shadow each other.
        Arguments.of("match: {path: {regex: '^/p/[0-9]+$'}}", "match: {path: {regex: '^/p/\\d+$'}}"),
        Arguments.of("match: {path: {prefix: /p/}}", "match: {path: {regex: '^/p/[0-9]+$'}}"),
        Arguments.of("match: {path: {regex: '^/p/[0-9]+$'}}", "match: {path: {exact: /p/x}}"),
        // "Every path" is only the absence of a path match.
        Arguments.of("match: {path: {prefix: /}}", "ttl: 1m"));
  }

  @ParameterizedTest(name = "[{0}] does not shadow [{1}]")
  @MethodSource("notShadowed")
  void ruleNotCoveredByAnEarlierRuleIsAccepted(String first, String second) {
    assertValid(withUpstream(rules(first, second)));
  }

  @Test
  void shadowIsReportedOnceNamingTheFirstRuleThatCoversIt() {
    assertOnlyError(withUpstream("""
        rules:
          - {name: api, match: {methods: [GET], path: {prefix: /api/}}}
          - {name: v1, match: {path: {prefix: /api/v1/}}}
          - {name: users, match: {methods: [GET], path: {prefix: /api/v1/users}}}
        """), "spec.rules[2].match", "rule 'api' (spec.rules[0])");
  }

  @Test
  void ruleWithAnInvalidMatchIsNotComparedSoOnlyItsOwnErrorIsReported() {
    assertOnlyError(withUpstream(rules("ttl: 1m", "match: {path: {regex: '('}}")),
        "spec.rules[1].match.path.regex", "not a valid regex");
    assertOnlyError(withUpstream(rules("cache: false, match: {methods: [GET, HEAD, FETCH]}", "ttl: 1m")),
        "spec.rules[0].match.methods[2]", "unknown method");
  }
}
