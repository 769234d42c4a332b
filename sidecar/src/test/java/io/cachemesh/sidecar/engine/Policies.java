package io.cachemesh.sidecar.engine;

import io.cachemesh.api.compiled.CompiledConfig;
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

  public static CompiledConfig defaults() {
    return compile("defaults:\n  ttl: 60s\n");
  }
}
