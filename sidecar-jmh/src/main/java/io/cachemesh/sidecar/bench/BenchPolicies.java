package io.cachemesh.sidecar.bench;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.yaml.PolicyYaml;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.HeaderList;

/** The benchmark policy and request, compiled as the sidecar compiles them. */
final class BenchPolicies {
  /** The shape of e2e/bench/bench-policy.yaml plus a varyBy, so that key computation hashes a header. */
  static final String POLICY = """
      apiVersion: cachemesh.io/v1alpha1
      kind: CachePolicy
      metadata:
        name: bench
        namespace: bench
      spec:
        upstream:
          port: 18000
        defaults:
          ttl: 1h
          varyBy:
            headers: [accept-language]
        tiers:
          memory:
            maxSize: 32Mi
            maxObjectSize: 1Mi
      """;

  private BenchPolicies() {}

  static CompiledConfig compile() {
    try {
      return new PolicyCompiler().compile(PolicyYaml.readPolicy(POLICY));
    } catch (Exception e) {
      throw new IllegalStateException("benchmark policy does not compile: " + e.getMessage(), e);
    }
  }

  /** What wrk sends, as the sanity handler hands it to the engine. */
  static CacheRequest request(String path, String rawQuery) {
    return new CacheRequest("GET", "http", "127.0.0.1:18080", path, rawQuery,
        HeaderList.of("Host", "127.0.0.1:18080", "Accept-Language", "en", "User-Agent", "wrk"), true);
  }
}
