package io.cachemesh.e2e.scenarios;

import io.cachemesh.e2e.harness.E2eEnvironment;

/** CachePolicy YAML for the scenarios: pods labelled {@code app=<name>}, app port named {@code http}. */
final class Policies {
  private Policies() {}

  /**
   * A policy whose {@code spec.broker} names the Secret {@code <name>-broker} (the harness's Redis
   * and an HMAC key), which this creates first.
   */
  static String brokered(E2eEnvironment env, String name, String spec) {
    env.brokerSecret(name + "-broker");
    return policy(name, spec + "broker:\n  secretName: " + name + "-broker\n");
  }

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
