package io.cachemesh.api.validation;

import static io.cachemesh.api.TestPolicies.assertOnlyError;
import static io.cachemesh.api.TestPolicies.assertValid;
import static io.cachemesh.api.TestPolicies.errors;
import static io.cachemesh.api.TestPolicies.withSpec;
import static io.cachemesh.api.TestPolicies.withUpstream;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.CachePolicySpec;
import io.cachemesh.api.Upstream;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Policy-wide checks: metadata, upstream, keyspace, tiers, broker, invalidation, selector. */
class PolicyValidatorTest {

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("keyVersion: 1", "spec.upstream", "is required"),
        Arguments.of("upstream: {}", "spec.upstream.port", "is required"),
        Arguments.of("upstream: {port: 0}", "spec.upstream.port", "out of range: use 1..65535"),
        Arguments.of("upstream: {port: 65536}", "spec.upstream.port", "out of range: use 1..65535"),
        Arguments.of("upstream: {port: HTTP}", "spec.upstream.port", "'HTTP' is not a port name"),
        Arguments.of("upstream: {port: http-metrics-long}", "spec.upstream.port", "at most 15"),
        Arguments.of("upstream: {port: '8080'}", "spec.upstream.port", "at least one letter"),
        Arguments.of("upstream: {port: -http}", "spec.upstream.port", "no leading, trailing or double '-'"),
        Arguments.of("upstream: {port: web--api}", "spec.upstream.port", "is not a port name"),
        Arguments.of("upstream: {port: web_api}", "spec.upstream.port", "is not a port name"),
        Arguments.of("upstream: {port: 8080}\nkeyVersion: -1", "spec.keyVersion", "must be 0 or more"),
        Arguments.of("upstream: {port: 8080}\ntiers: {memory: {maxSize: 512Ki}}", "spec.tiers.memory.maxSize", "between 1Mi and 64Gi"),
        Arguments.of("upstream: {port: 8080}\ntiers: {memory: {maxSize: 65Gi}}", "spec.tiers.memory.maxSize", "between 1Mi and 64Gi"),
        Arguments.of("upstream: {port: 8080}\ntiers: {memory: {maxSize: 1.5Gi}}", "spec.tiers.memory.maxSize", "is not a size"),
        Arguments.of("upstream: {port: 8080}\ntiers: {memory: {maxSize: 99999999999999999999Gi}}", "spec.tiers.memory.maxSize", "too large"),
        Arguments.of("upstream: {port: 8080}\ntiers: {memory: {maxObjectSize: '0'}}", "spec.tiers.memory.maxObjectSize", "more than 0"),
        Arguments.of("upstream: {port: 8080}\ntiers: {memory: {maxObjectSize: 128Mi}}", "spec.tiers.memory.maxObjectSize", "64Mi, the default"),
        Arguments.of("upstream: {port: 8080}\ntiers: {memory: {maxSize: 1Gi, maxObjectSize: 2Gi}}", "spec.tiers.memory.maxObjectSize", "must not exceed maxSize (1Gi)"),
        Arguments.of("upstream: {port: 8080}\ntiers: {memory: {maxObjectSize: 1MB}}", "spec.tiers.memory.maxObjectSize", "is not a size"),
        Arguments.of("upstream: {port: 8080}\ntiers: {shared: {enabled: true}}", "spec.tiers.shared.enabled", "needs a broker"),
        Arguments.of("upstream: {port: 8080}\nbroker: {secretName: ''}", "spec.broker.secretName", "is required"),
        Arguments.of("upstream: {port: 8080}\ninvalidation: {tagHeader: Surrogate Key}", "spec.invalidation.tagHeader", "not a valid header name"),
        Arguments.of("upstream: {port: 8080}\ninvalidation: {tagHeader: 'X-Tags:'}", "spec.invalidation.tagHeader", "not a valid header name"),
        Arguments.of("upstream: {port: 8080}\nselector: {matchExpressions: [{key: app, operator: Equals, values: [a]}]}",
            "spec.selector.matchExpressions[0].operator", "use In, NotIn, Exists or DoesNotExist"),
        Arguments.of("upstream: {port: 8080}\nselector: {matchExpressions: [{key: app, operator: In}]}",
            "spec.selector.matchExpressions[0].values", "must be non-empty when operator is In"),
        Arguments.of("upstream: {port: 8080}\nselector: {matchExpressions: [{key: app, operator: NotIn, values: []}]}",
            "spec.selector.matchExpressions[0].values", "must be non-empty when operator is NotIn"),
        Arguments.of("upstream: {port: 8080}\nselector: {matchExpressions: [{key: app, operator: Exists, values: [a]}]}",
            "spec.selector.matchExpressions[0].values", "must be empty when operator is Exists"),
        Arguments.of("upstream: {port: 8080}\nselector: {matchExpressions: [{key: t, operator: In, values: [a]}, {key: app, operator: DoesNotExist, values: [a]}]}",
            "spec.selector.matchExpressions[1].values", "must be empty when operator is DoesNotExist"),
        Arguments.of("upstream: {port: 8080}\nselector: {matchExpressions: [{operator: Exists}]}",
            "spec.selector.matchExpressions[0].key", "is required"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("invalidSpecs")
  void invalidSpecIsRefusedNamingTheFieldAndTheReason(String spec, String field, String reason) {
    assertOnlyError(withSpec(spec), field, reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "upstream: {port: 1}",
      "upstream: {port: 65535}",
      "upstream: {port: http}",
      "upstream: {port: web-8080}",
      "upstream: {port: h2c}",
      "upstream: {port: a23456789012345}",
      "upstream: {port: 8080}\nkeyVersion: 0",
      "upstream: {port: 8080}\ntiers: {memory: {maxSize: 1Mi}}",
      "upstream: {port: 8080}\ntiers: {memory: {maxSize: 64Gi}}",
      "upstream: {port: 8080}\ntiers: {memory: {maxObjectSize: 64Mi}}",
      "upstream: {port: 8080}\ntiers: {memory: {maxSize: 1Gi, maxObjectSize: 1Gi}}",
      "upstream: {port: 8080}\ntiers: {memory: {maxSize: 2M, maxObjectSize: '2000000'}}",
      "upstream: {port: 8080}\ntiers: {shared: {enabled: true}}\nbroker: {secretName: redis}",
      "upstream: {port: 8080}\ntiers: {shared: {enabled: false}}",
      "upstream: {port: 8080}\ninvalidation: {tagHeader: X-Cache-Tags}",
      "upstream: {port: 8080}\nselector: {matchExpressions: [{key: app, operator: In, values: [a, b]}]}",
      "upstream: {port: 8080}\nselector: {matchExpressions: [{key: app, operator: NotIn, values: [a]}]}",
      "upstream: {port: 8080}\nselector: {matchExpressions: [{key: app, operator: Exists}]}",
      "upstream: {port: 8080}\nselector: {matchExpressions: [{key: app, operator: DoesNotExist, values: []}]}",
  })
  void validSpecPasses(String spec) {
    assertValid(withSpec(spec));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("emptyListEntries")
  void emptyListEntryIsReportedNotThrown(String spec, String field) {
    assertOnlyError(withUpstream(spec), field, "");
  }

  static Stream<Arguments> emptyListEntries() {
    return Stream.of(
        Arguments.of("rules: [~]", "spec.rules[0]"),
        Arguments.of("rules: [{name: a, match: {methods: [~]}}]", "spec.rules[0].match.methods[0]"),
        Arguments.of("rules: [{name: a, tags: [~]}]", "spec.rules[0].tags[0]"),
        Arguments.of("rules: [{name: a, varyBy: {headers: [~]}}]", "spec.rules[0].varyBy.headers[0]"),
        Arguments.of("rules: [{name: a, varyBy: {cookies: [~]}}]", "spec.rules[0].varyBy.cookies[0]"),
        Arguments.of("rules: [{name: a, varyBy: {query: {keep: [~]}}}]", "spec.rules[0].varyBy.query.keep[0]"),
        Arguments.of("selector: {matchExpressions: [~]}", "spec.selector.matchExpressions[0]"));
  }

  @Test
  void policyWithoutNameIsRefused() {
    CachePolicy policy = new CachePolicy();
    policy.setMetadata(new ObjectMeta());
    policy.setSpec(new CachePolicySpec(null, new Upstream(new IntOrString(8080)), null, null, null, null, null, null, null, null));

    assertThat(errors(policy)).containsExactly(new FieldError("metadata.name", "is required: name the policy"));
  }

  @Test
  void policyWithoutSpecIsRefused() {
    CachePolicy policy = new CachePolicy();
    policy.setMetadata(new ObjectMeta());
    policy.getMetadata().setName("catalog");

    assertThat(errors(policy)).extracting(FieldError::field).containsExactly("spec");
    assertThat(errors(policy).getFirst().reason()).contains("spec.upstream.port");
  }

  @Test
  void everyErrorIsReturnedNotJustTheFirst() {
    CachePolicy policy = withUpstream("""
        keyVersion: -1
        defaults: {ttl: 400d}
        rules:
          - {name: Bad_Name, ttl: 1x}
          - {name: ok, match: {methods: [FETCH]}, errorTtl: 1h}
        tiers: {shared: {enabled: true}}
        """);

    assertThat(errors(policy)).extracting(FieldError::field).containsExactly(
        "spec.keyVersion",
        "spec.tiers.shared.enabled",
        "spec.defaults.ttl",
        "spec.rules[0].name",
        "spec.rules[0].ttl",
        "spec.rules[1].match.methods[0]",
        "spec.rules[1].errorTtl");
  }
}
