package io.cachemesh.e2e.scenarios;

/** CachePolicy YAML for the scenarios: pods labelled {@code app=<name>}, app port named {@code http}. */
final class Policies {
  private Policies() {}

  /** A policy with {@code spec} (YAML, indented two spaces under {@code spec:}) after selector and upstream. */
  static String policy(String name, String spec) {
    return """
        apiVersion: cachemesh.io/v1alpha1
        kind: CachePolicy
        metadata:
          name: %s
          namespace: shop
        spec:
          selector:
            matchLabels:
              app: %s
          upstream:
            port: http
        %s""".formatted(name, name, spec.indent(2));
  }
}
