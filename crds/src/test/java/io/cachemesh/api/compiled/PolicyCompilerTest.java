package io.cachemesh.api.compiled;

import static io.cachemesh.api.TestPolicies.compile;
import static io.cachemesh.api.TestPolicies.withSpec;
import static io.cachemesh.api.TestPolicies.withUpstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.Precedence;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.Scope;
import io.cachemesh.api.TestPolicies;
import io.cachemesh.api.validation.FieldError;
import io.cachemesh.api.validation.InvalidPolicyException;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyCompilerTest {
  private final PolicyCompiler compiler = new PolicyCompiler();

  /**
   * One setting written three ways: on the rule and in spec.defaults, only in spec.defaults, nowhere.
   * The rule's wins, then the defaults', then the built-in.
   */
  static Stream<Arguments> settings() {
    return Stream.of(
        setting("ttl", "10s", "5m", CompiledRule::ttlMillis, 10_000L, 300_000L, 120_000L),
        setting("staleWhileRevalidate", "10s", "5m", CompiledRule::staleWhileRevalidateMillis, 10_000L, 300_000L, 0L),
        setting("staleIfError", "10s", "5m", CompiledRule::staleIfErrorMillis, 10_000L, 300_000L, 0L),
        setting("errorTtl", "10s", "1m", CompiledRule::errorTtlMillis, 10_000L, 60_000L, 0L),
        setting("cache", "true", "false", CompiledRule::cache, true, false, true),
        setting("scope", "PerUser", "Shared", CompiledRule::scope, Scope.PER_USER, Scope.SHARED, Scope.SHARED),
        setting("precedence", "Policy", "Origin", CompiledRule::precedence, Precedence.POLICY, Precedence.ORIGIN, Precedence.ORIGIN),
        setting("clientCacheControl", "private", "'public, max-age=60'", CompiledRule::clientCacheControl,
            "private", "public, max-age=60", null),
        setting("tags", "[rule]", "[site, shop]", CompiledRule::tags, List.of("rule"), List.of("site", "shop"), List.of()),
        setting("varyBy", "{headers: [X-Device]}", "{headers: [Accept-Language, Accept]}", r -> r.key().headers(),
            List.of("x-device"), List.of("accept", "accept-language"), List.of()));
  }

  private static <T> Arguments setting(String field, String ruleValue, String siteValue, Function<CompiledRule, T> read,
      T fromRule, T fromSite, T builtIn) {
    return Arguments.of(field, ruleValue, siteValue, read, fromRule, fromSite, builtIn);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void ruleSettingResolvesFromTheRuleThenSpecDefaultsThenBuiltIn(String field, String ruleValue, String siteValue,
      Function<CompiledRule, Object> read, Object fromRule, Object fromSite, Object builtIn) {
    CompiledConfig both = compile(withUpstream(
        "defaults: {" + field + ": " + siteValue + "}\nrules: [{name: r, " + field + ": " + ruleValue + "}]"));
    CompiledConfig siteOnly = compile(withUpstream("defaults: {" + field + ": " + siteValue + "}\nrules: [{name: r}]"));
    CompiledConfig neither = compile(withUpstream("rules: [{name: r}]"));

    assertThat(read.apply(both.rules().getFirst())).isEqualTo(fromRule);
    assertThat(read.apply(siteOnly.rules().getFirst())).isEqualTo(fromSite);
    assertThat(read.apply(neither.rules().getFirst())).isEqualTo(builtIn);
    assertThat(read.apply(siteOnly.defaults())).as("the site rule").isEqualTo(fromSite);
    assertThat(read.apply(neither.defaults())).as("the site rule").isEqualTo(builtIn);
  }

  @Test
  void keyPrefixIsOneRedisClusterHashTagOfNamespaceAndName() {
    CompiledConfig config = compile(withUpstream(""));

    assertThat(config.keyPrefix()).isEqualTo("cm:{shop/catalog}:");
    assertThat(config.policy()).isEqualTo(new PolicyId("shop", "catalog"));
  }

  @Test
  void policyFileWithoutNamespaceIsKeyedUnderDefault() {
    CachePolicy policy = withUpstream("");
    policy.getMetadata().setNamespace(null);

    assertThat(compile(policy).keyPrefix()).isEqualTo("cm:{default/catalog}:");
  }

  @Test
  void twoPoliciesNeverShareAKeyPrefix() {
    CachePolicy other = withUpstream("");
    other.getMetadata().setName("catalog-v2");
    CachePolicy otherNamespace = withUpstream("");
    otherNamespace.getMetadata().setNamespace("shop-staging");

    List<String> prefixes = List.of(compile(withUpstream("")).keyPrefix(), compile(other).keyPrefix(), compile(otherNamespace).keyPrefix());

    // Not even a prefix of one another, so a scan of one policy's keys never reaches another's.
    for (int i = 0; i < prefixes.size(); i++) {
      for (int j = 0; j < prefixes.size(); j++) {
        if (i != j) {
          assertThat(prefixes.get(j)).doesNotStartWith(prefixes.get(i));
        }
      }
    }
  }

  @Test
  void methodsDefaultToGetAndHeadAndAreUpperCasedSortedDistinct() {
    CompiledConfig config = compile(withUpstream("""
        rules:
          - {name: writes, cache: false, match: {methods: [post, GET, Post, delete], path: {prefix: /cart}}}
          - {name: reads, match: {path: {prefix: /products}}}
          - {name: empty, match: {methods: [], path: {prefix: /x}}}
        """));

    assertThat(config.rules()).extracting(CompiledRule::methods).containsExactly(
        List.of("DELETE", "GET", "POST"), List.of("GET", "HEAD"), List.of("GET", "HEAD"));
    assertThat(config.defaults().methods()).containsExactly("GET", "HEAD");
  }

  @ParameterizedTest(name = "broker={0} enabled={1} -> {2}")
  @CsvSource({
      "false, , false",
      "true, , true",
      "true, true, true",
      "true, false, false",
      "false, false, false",
  })
  void sharedTierIsOnWhenThereIsABrokerUnlessSaidOtherwise(boolean broker, Boolean enabled, boolean expected) {
    String spec = (broker ? "broker: {secretName: redis}\n" : "") + (enabled == null ? "" : "tiers: {shared: {enabled: " + enabled + "}}");
    SharedConfig shared = compile(withUpstream(spec)).shared();

    assertThat(shared.enabled()).isEqualTo(expected);
    assertThat(shared.brokerSecret()).isEqualTo(broker ? "redis" : null);
  }

  static Stream<Arguments> queryKeying() {
    return Stream.of(
        Arguments.of("{}", KeySpec.QueryMode.ALL, List.of(), true),
        Arguments.of("{query: {keep: [sort, q, page, q]}}", KeySpec.QueryMode.KEEP, List.of("page", "q", "sort"), true),
        Arguments.of("{query: {drop: [session, 'ref_*']}}", KeySpec.QueryMode.DROP, List.of("ref_*", "session"), true),
        Arguments.of("{query: {ignore: true}}", KeySpec.QueryMode.IGNORE, List.of(), true),
        Arguments.of("{query: {keepTracking: true}}", KeySpec.QueryMode.ALL, List.of(), false),
        Arguments.of("{query: {ignore: false, keep: [q]}}", KeySpec.QueryMode.KEEP, List.of("q"), true));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("queryKeying")
  void queryKeyingModeFollowsVaryByQuery(String varyBy, KeySpec.QueryMode mode, List<String> params, boolean dropTracking) {
    KeySpec key = compile(withUpstream("rules: [{name: r, varyBy: " + varyBy + "}]")).rules().getFirst().key();

    assertThat(key.queryMode()).isEqualTo(mode);
    assertThat(key.queryParams()).isEqualTo(params);
    assertThat(key.dropTracking()).isEqualTo(dropTracking);
  }

  @Test
  void headersAreLowerCasedAndCookiesSortedInTheKey() {
    KeySpec key = compile(withUpstream(
        "rules: [{name: r, scope: PerUser, varyBy: {headers: [X-Device, Authorization, x-device], cookies: [sid, csrf]}}]"))
        .rules().getFirst().key();

    assertThat(key.headers()).containsExactly("authorization", "x-device");
    assertThat(key.cookies()).containsExactly("csrf", "sid");
  }

  @Test
  void pathsCompileToMatchersWithTheirParameters() {
    CompiledConfig config = compile(withUpstream("""
        rules:
          - {name: product, match: {path: {template: '/products/{id}'}}, tags: ['product:{id}']}
          - {name: reviews, match: {path: {regex: '^/reviews/(?<id>[0-9]+)$'}}}
          - {name: about, match: {path: {exact: /about}}}
          - {name: static, match: {path: {prefix: /static/}}}
        """));

    assertThat(config.ruleFor("GET", "/products/42").name()).isEqualTo("product");
    assertThat(config.ruleFor("GET", "/products/42").pathParams("/products/42")).containsEntry("id", "42");
    assertThat(config.ruleFor("HEAD", "/reviews/7").pathParams("/reviews/7")).containsEntry("id", "7");
    assertThat(config.ruleFor("GET", "/about").name()).isEqualTo("about");
    assertThat(config.ruleFor("GET", "/static/app.js").name()).isEqualTo("static");
    assertThat(config.ruleFor("GET", "/reviews/x").name()).isEqualTo("default");
    assertThat(config.ruleFor("POST", "/products/42").name()).isEqualTo("default");
  }

  @Test
  void unsetTiersAndInvalidationGetTheBuiltInDefaults() {
    CompiledConfig config = compile(withSpec("upstream: {port: http}"));

    assertThat(config.upstreamPort()).isEqualTo("http");
    assertThat(config.keyVersion()).isZero();
    assertThat(config.memory()).isEqualTo(new MemoryConfig(64L << 20, 1L << 20));
    assertThat(config.invalidation()).isEqualTo(new InvalidationConfig("Surrogate-Key", false, true, PurgeMode.HARD));
    assertThat(config.rules()).isEmpty();
    assertThat(config.schemaVersion()).isEqualTo(CompiledConfig.SCHEMA_VERSION);
    assertThat(config.hash()).isEqualTo(ConfigHash.of(config)).hasSize(16);
  }

  @Test
  void setTiersAndInvalidationAreCompiledToBytesAndFlags() {
    CompiledConfig config = compile(withUpstream("""
        keyVersion: 7
        tiers: {memory: {maxSize: 1Gi, maxObjectSize: 8Mi}}
        invalidation: {tagHeader: X-Tags, exposeTags: true, purgeOnUnsafe: false, mode: Soft}
        """));

    assertThat(config.upstreamPort()).isEqualTo("8080");
    assertThat(config.keyVersion()).isEqualTo(7);
    assertThat(config.memory()).isEqualTo(new MemoryConfig(1L << 30, 8L << 20));
    assertThat(config.invalidation()).isEqualTo(new InvalidationConfig("X-Tags", true, false, PurgeMode.SOFT));
  }

  @Test
  void invalidPolicyThrowsWithEveryError() {
    CachePolicy policy = withUpstream("""
        keyVersion: -1
        rules:
          - {name: a, ttl: 2y}
          - {name: a, match: {path: {regex: '('}}}
        """);
    List<FieldError> expected = TestPolicies.errors(policy);

    assertThatExceptionOfType(InvalidPolicyException.class).isThrownBy(() -> compiler.compile(policy))
        .satisfies(e -> assertThat(e.errors()).isEqualTo(expected))
        .satisfies(e -> assertThat(e.errors()).extracting(FieldError::field)
            .containsExactly("spec.keyVersion", "spec.rules[0].ttl", "spec.rules[1].name", "spec.rules[1].match.path.regex"))
        .withMessageContaining("spec.rules[0].ttl: '2y' is not a duration");
  }
}
