package io.cachemesh.sidecar.engine;

import io.cachemesh.api.Scope;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.api.compiled.ConfigHash;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.yaml.PolicyYaml;

/** Compiles test policies from YAML exactly as the sidecar does. */
public final class Policies {
  private Policies() {}

  /** @param spec the YAML under {@code spec:} besides upstream, indented by two spaces */
  public static CompiledConfig compile(String spec) {
    String yaml = """
        apiVersion: cachemesh.io/v1alpha1
        kind: CachePolicy
        metadata:
          name: shop
          namespace: test
        spec:
          upstream:
            port: 8000
        """ + spec.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    try {
      return new PolicyCompiler().compile(PolicyYaml.readPolicy(yaml));
    } catch (Exception e) {
      throw new IllegalArgumentException("test policy does not compile: " + e.getMessage() + "\n" + yaml, e);
    }
  }

  /**
   * Authorization keyed under Shared scope: a config the validator refuses, as an older or
   * hand-edited compiled file could still carry it.
   */
  public static CompiledConfig unvalidatedSharedAuthorization() {
    CompiledConfig perUser = compile("defaults:\n  ttl: 60s\n  scope: PerUser\n  varyBy:\n    headers: [authorization]\n");
    CompiledRule d = perUser.defaults();
    CompiledRule shared = new CompiledRule(d.name(), d.methods(), d.path(), d.cache(), d.ttlMillis(),
        d.staleWhileRevalidateMillis(), d.staleIfErrorMillis(), d.errorTtlMillis(), d.key(), Scope.SHARED,
        d.tags(), d.precedence(), d.clientCacheControl());
    return ConfigHash.stamp(new CompiledConfig(perUser.schemaVersion(), perUser.policy(), perUser.keyPrefix(),
        perUser.keyVersion(), perUser.upstreamPort(), perUser.rules(), shared, perUser.memory(), perUser.shared(),
        perUser.invalidation(), null));
  }

  public static CompiledConfig defaults() {
    return compile("defaults:\n  ttl: 60s\n");
  }
}
