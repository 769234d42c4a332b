package io.cachemesh.api.compiled;

import static io.cachemesh.api.TestPolicies.compile;
import static io.cachemesh.api.TestPolicies.read;
import static io.cachemesh.api.TestPolicies.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.CachePolicySpec;
import io.cachemesh.api.CacheRule;
import io.cachemesh.api.yaml.PolicyYaml;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Same policy, same hash; any change a sidecar would notice, a new hash. */
class ConfigHashTest {
  private static final String BASE = resource("every-field.yaml");
  private static final String BASE_HASH = compile(read(BASE)).hash();

  @Test
  void samePolicyCompiledTwiceHasTheSameHash() {
    assertThat(compile(read(BASE)).hash()).isEqualTo(BASE_HASH).matches("[0-9a-f]{16}");
  }

  @Test
  void hashSurvivesAYamlRoundTrip() {
    CachePolicy again = read(PolicyYaml.write(read(BASE)));

    assertThat(compile(again).hash()).isEqualTo(BASE_HASH);
  }

  @Test
  void metadataTheSidecarNeverSeesDoesNotChangeTheHash() {
    CachePolicy policy = read(BASE);
    policy.getMetadata().setLabels(Map.of("team", "web", "env", "prod"));
    policy.getMetadata().setAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}"));
    policy.getMetadata().setResourceVersion("99999");
    policy.getMetadata().setGeneration(12L);
    policy.getMetadata().setUid("2f0e8c7a-0000-4000-8000-000000000001");

    assertThat(compile(policy).hash()).isEqualTo(BASE_HASH);
  }

  @Test
  void equivalentSpellingsOfTheSamePolicyHaveTheSameHash() {
    String reordered = BASE.replace("methods: [GET, POST]", "methods: [post, GET, POST]")
        .replace("headers: [Accept-Language]", "headers: [accept-language]");

    assertThat(compile(read(reordered)).hash()).isEqualTo(BASE_HASH);
  }

  /** One edit each, to a field that changes what the sidecar does. */
  static Stream<Arguments> semanticChanges() {
    return Stream.of(
        Arguments.of("name: catalog", "name: catalog2"),
        Arguments.of("namespace: shop", "namespace: shop2"),
        Arguments.of("port: 8080", "port: 8081"),
        Arguments.of("    cache: true", "    cache: false"),
        Arguments.of("ttl: 5m", "ttl: 6m"),
        Arguments.of("staleWhileRevalidate: 30s", "staleWhileRevalidate: 31s"),
        Arguments.of("staleIfError: 1h", "staleIfError: 2h"),
        Arguments.of("errorTtl: 10s", "errorTtl: 11s"),
        Arguments.of("headers: [Accept-Language]", "headers: [Accept-Language, X-Device]"),
        Arguments.of("cookies: [currency]", "cookies: [currency, locale]"),
        Arguments.of("drop: [session]", "drop: [session, ref]"),
        Arguments.of("keepTracking: false", "keepTracking: true"),
        Arguments.of("scope: Shared\n    tags: [site]", "scope: PerUser\n    tags: [site]"),
        Arguments.of("scope: Shared\n      tags", "scope: PerUser\n      tags"),
        Arguments.of("tags: [site]", "tags: [site, shop]"),
        Arguments.of("precedence: Origin", "precedence: Policy"),
        Arguments.of("clientCacheControl: \"public, max-age=60\"", "clientCacheControl: \"public, max-age=61\""),
        Arguments.of("methods: [GET, POST]", "methods: [GET, POST, PUT]"),
        Arguments.of("prefix: /cart", "prefix: /basket"),
        Arguments.of("template: /products/{id}", "template: /items/{id}"),
        Arguments.of("regex: \"^/account/(?<section>[a-z]+)$\"", "regex: \"^/account/(?<section>[a-z0-9]+)$\""),
        Arguments.of("exact: /about", "exact: /about-us"),
        Arguments.of("ttl: 1m", "ttl: 2m"),
        Arguments.of("keep: [variant]", "keep: [variant, size]"),
        Arguments.of("ignore: true", "ignore: false"),
        Arguments.of("tags: [\"product:{id}\", products]", "tags: [\"product:{id}\"]"),
        Arguments.of("clientCacheControl: private", "clientCacheControl: no-store"),
        Arguments.of("    - name: about", "    - name: about-page"),
        Arguments.of("keyVersion: 2", "keyVersion: 3"),
        Arguments.of("maxSize: 256Mi", "maxSize: 512Mi"),
        Arguments.of("maxObjectSize: 2Mi", "maxObjectSize: 3Mi"),
        Arguments.of("enabled: true", "enabled: false"),
        Arguments.of("secretName: cachemesh-redis", "secretName: other-redis"),
        Arguments.of("tagHeader: Surrogate-Key", "tagHeader: Cache-Tag"),
        Arguments.of("exposeTags: false", "exposeTags: true"),
        Arguments.of("purgeOnUnsafe: true", "purgeOnUnsafe: false"),
        Arguments.of("mode: Soft", "mode: Hard"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("semanticChanges")
  void anySemanticChangeGivesANewHash(String from, String to) {
    Matcher occurrences = Pattern.compile(Pattern.quote(from)).matcher(BASE);
    assertThat(occurrences.results().count()).as("'%s' occurs once in the base policy", from).isEqualTo(1);

    assertThat(compile(read(BASE.replace(from, to))).hash()).isNotEqualTo(BASE_HASH);
  }

  @Test
  void swappingTwoRulesGivesANewHashBecauseTheFirstMatchWins() {
    CachePolicy policy = read(BASE);
    List<CacheRule> rules = new ArrayList<>(policy.getSpec().rules());
    Collections.swap(rules, 2, 3);
    CachePolicySpec spec = policy.getSpec();
    policy.setSpec(new CachePolicySpec(spec.selector(), spec.upstream(), spec.defaults(), rules,
        spec.keyVersion(), spec.tiers(), spec.broker(), spec.invalidation(), spec.sidecar(), spec.rollout()));

    assertThat(compile(policy).hash()).isNotEqualTo(BASE_HASH);
  }
}
