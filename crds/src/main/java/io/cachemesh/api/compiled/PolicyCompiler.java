package io.cachemesh.api.compiled;

import io.cachemesh.api.Broker;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.CachePolicySpec;
import io.cachemesh.api.CacheRule;
import io.cachemesh.api.CacheSettings;
import io.cachemesh.api.InvalidationSettings;
import io.cachemesh.api.MemoryTier;
import io.cachemesh.api.Precedence;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.QueryKeying;
import io.cachemesh.api.RuleMatch;
import io.cachemesh.api.Scope;
import io.cachemesh.api.SharedTier;
import io.cachemesh.api.Tiers;
import io.cachemesh.api.VaryBy;
import io.cachemesh.api.units.Durations;
import io.cachemesh.api.units.Sizes;
import io.cachemesh.api.validation.InvalidPolicyException;
import io.cachemesh.api.validation.PolicyValidator;
import io.cachemesh.api.validation.FieldError;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Compiles a {@code CachePolicy} into the config a sidecar runs. The one place defaults are
 * applied: the CRD has none, so nothing is ever written into a user's spec.
 *
 * <p>Resolution order for each rule setting: the rule, then {@code spec.defaults}, then the
 * built-in default below. {@code varyBy} and {@code tags} are taken whole, not merged.
 */
public final class PolicyCompiler {
  /** Varnish's default_ttl: what is cached when neither the origin nor the policy says. */
  public static final String DEFAULT_TTL = "2m";
  public static final String DEFAULT_MEMORY_MAX_SIZE = "64Mi";
  public static final String DEFAULT_MAX_OBJECT_SIZE = "1Mi";
  public static final String DEFAULT_TAG_HEADER = "Surrogate-Key";
  public static final String STANDALONE_NAMESPACE = "default";
  static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD");

  private final PolicyValidator validator;

  public PolicyCompiler(PolicyValidator validator) {
    this.validator = validator;
  }

  public PolicyCompiler() {
    this(new PolicyValidator());
  }

  /**
   * @throws InvalidPolicyException with every field error when the policy does not validate
   */
  public CompiledConfig compile(CachePolicy policy) throws InvalidPolicyException {
    List<FieldError> errors = validator.validate(policy);
    if (!errors.isEmpty()) {
      throw new InvalidPolicyException(errors);
    }
    CachePolicySpec spec = policy.getSpec();
    String namespace = Objects.requireNonNullElse(policy.getMetadata().getNamespace(), STANDALONE_NAMESPACE);
    PolicyId id = new PolicyId(namespace, policy.getMetadata().getName());
    CacheSettings site = spec.defaults() == null ? CacheSettings.empty() : spec.defaults();

    List<CompiledRule> rules = new ArrayList<>();
    for (CacheRule rule : spec.rulesOrEmpty()) {
      rules.add(compileRule(rule.name(), rule.match(), rule.settings(), site));
    }
    CompiledRule defaults = compileRule("default", null, CacheSettings.empty(), site);

    Tiers tiers = spec.tiers() == null ? new Tiers(null, null) : spec.tiers();
    MemoryTier memory = tiers.memory() == null ? new MemoryTier(null, null) : tiers.memory();
    SharedTier shared = tiers.shared() == null ? new SharedTier(null) : tiers.shared();
    Broker broker = spec.broker();
    InvalidationSettings inv = spec.invalidation() == null
        ? new InvalidationSettings(null, null, null, null) : spec.invalidation();

    CompiledConfig config = new CompiledConfig(
        CompiledConfig.SCHEMA_VERSION,
        id,
        keyPrefix(id),
        Objects.requireNonNullElse(spec.keyVersion(), 0),
        portText(spec.upstream().port()),
        List.copyOf(rules),
        defaults,
        new MemoryConfig(
            Sizes.parseBytes(Objects.requireNonNullElse(memory.maxSize(), DEFAULT_MEMORY_MAX_SIZE)),
            Sizes.parseBytes(Objects.requireNonNullElse(memory.maxObjectSize(), DEFAULT_MAX_OBJECT_SIZE))),
        new SharedConfig(
            Objects.requireNonNullElse(shared.enabled(), broker != null),
            broker == null ? null : broker.secretName()),
        new InvalidationConfig(
            Objects.requireNonNullElse(inv.tagHeader(), DEFAULT_TAG_HEADER),
            Objects.requireNonNullElse(inv.exposeTags(), false),
            Objects.requireNonNullElse(inv.purgeOnUnsafe(), true),
            Objects.requireNonNullElse(inv.mode(), PurgeMode.HARD)),
        null);
    return ConfigHash.stamp(config);
  }

  /** One hash tag per policy, so every key of a policy lands in one Redis Cluster slot. */
  public static String keyPrefix(PolicyId id) {
    return "cm:{" + id.namespace() + "/" + id.name() + "}:";
  }

  private static CompiledRule compileRule(String name, RuleMatch match, CacheSettings rule, CacheSettings site) {
    return new CompiledRule(
        name,
        methods(match),
        match == null || match.path() == null ? null : CompiledPath.of(match.path()),
        pick(rule, site, CacheSettings::cache, true),
        millis(pick(rule, site, CacheSettings::ttl, DEFAULT_TTL)),
        millis(pick(rule, site, CacheSettings::staleWhileRevalidate, "0s")),
        millis(pick(rule, site, CacheSettings::staleIfError, "0s")),
        millis(pick(rule, site, CacheSettings::errorTtl, "0s")),
        keySpec(pick(rule, site, CacheSettings::varyBy, new VaryBy(null, null, null))),
        pick(rule, site, CacheSettings::scope, Scope.SHARED),
        List.copyOf(pick(rule, site, CacheSettings::tags, List.of())),
        pick(rule, site, CacheSettings::precedence, Precedence.ORIGIN),
        pick(rule, site, CacheSettings::clientCacheControl, null));
  }

  private static <T> T pick(CacheSettings rule, CacheSettings site, Function<CacheSettings, T> field, T fallback) {
    T value = field.apply(rule);
    if (value == null) {
      value = field.apply(site);
    }
    return value == null ? fallback : value;
  }

  private static List<String> methods(RuleMatch match) {
    if (match == null || match.methods() == null || match.methods().isEmpty()) {
      return DEFAULT_METHODS;
    }
    return match.methods().stream().map(m -> m.toUpperCase(Locale.ROOT)).distinct().sorted().toList();
  }

  private static KeySpec keySpec(VaryBy varyBy) {
    List<String> headers = varyBy.headers() == null ? List.of()
        : varyBy.headers().stream().map(h -> h.toLowerCase(Locale.ROOT)).distinct().sorted().toList();
    List<String> cookies = varyBy.cookies() == null ? List.of()
        : varyBy.cookies().stream().distinct().sorted().toList();
    QueryKeying query = varyBy.query() == null ? new QueryKeying(null, null, null, null) : varyBy.query();
    KeySpec.QueryMode mode;
    List<String> params;
    if (Boolean.TRUE.equals(query.ignore())) {
      mode = KeySpec.QueryMode.IGNORE;
      params = List.of();
    } else if (query.keep() != null) {
      mode = KeySpec.QueryMode.KEEP;
      params = query.keep().stream().distinct().sorted().toList();
    } else if (query.drop() != null) {
      mode = KeySpec.QueryMode.DROP;
      params = query.drop().stream().distinct().sorted().toList();
    } else {
      mode = KeySpec.QueryMode.ALL;
      params = List.of();
    }
    return new KeySpec(headers, cookies, mode, params, !Boolean.TRUE.equals(query.keepTracking()));
  }

  private static long millis(String duration) {
    return Durations.parse(duration).toMillis();
  }

  private static String portText(IntOrString port) {
    return port.getIntVal() != null ? String.valueOf(port.getIntVal()) : port.getStrVal();
  }
}
