package io.cachemesh.api.compiled;

import java.util.List;

/**
 * What a sidecar runs: a {@code CachePolicy} with every default resolved, durations in
 * milliseconds and sizes in bytes. Written by the compiler as JSON into the policy's ConfigMap (and
 * built in memory by the standalone sidecar from a policy file), so a policy behaves the same on a
 * laptop and in a cluster.
 *
 * <p>Contract: {@code schemaVersion} changes whenever a field changes meaning; {@code hash} is the
 * content hash of everything else (see {@code ConfigHash}), equal for equal configs.
 *
 * @param rules the view level, in order; the first whose {@code match} matches wins
 * @param defaults the site level: serves every request no rule matches (its match is null)
 * @param keyPrefix the Redis key prefix of this policy, a Redis Cluster hash tag of namespace and name
 */
public record CompiledConfig(
    int schemaVersion,
    PolicyId policy,
    String keyPrefix,
    int keyVersion,
    String upstreamPort,
    List<CompiledRule> rules,
    CompiledRule defaults,
    MemoryConfig memory,
    SharedConfig shared,
    InvalidationConfig invalidation,
    String hash) {

  public static final int SCHEMA_VERSION = 1;

  public CompiledConfig withHash(String newHash) {
    return new CompiledConfig(
        schemaVersion, policy, keyPrefix, keyVersion, upstreamPort, rules, defaults, memory, shared,
        invalidation, newHash);
  }

  /** The first rule matching, else the site defaults. */
  public CompiledRule ruleFor(String method, String path) {
    for (CompiledRule rule : rules) {
      if (rule.matches(method, path)) {
        return rule;
      }
    }
    return defaults;
  }
}
