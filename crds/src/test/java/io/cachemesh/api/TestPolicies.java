package io.cachemesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.validation.FieldError;
import io.cachemesh.api.validation.InvalidPolicyException;
import io.cachemesh.api.validation.PolicyValidator;
import io.cachemesh.api.yaml.PolicyYaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Policies written as YAML, the way users write them, for tests. */
public final class TestPolicies {
  private TestPolicies() {}

  /** A policy {@code shop/catalog} whose spec is the given YAML (block or flow style). */
  public static CachePolicy withSpec(String specYaml) {
    String indented = specYaml.strip().lines().map(line -> "  " + line).reduce((a, b) -> a + "\n" + b).orElse("");
    return read("""
        apiVersion: cachemesh.io/v1alpha1
        kind: CachePolicy
        metadata:
          name: catalog
          namespace: shop
        spec:
        """ + indented + "\n");
  }

  /** {@link #withSpec} with {@code upstream: {port: 8080}} added, for tests of everything else. */
  public static CachePolicy withUpstream(String specYaml) {
    return withSpec("upstream: {port: 8080}\n" + specYaml);
  }

  /** A policy from {@code src/test/resources/policies}. */
  public static String resource(String name) {
    try (InputStream in = TestPolicies.class.getResourceAsStream("/policies/" + name)) {
      if (in == null) {
        throw new AssertionError("no test policy " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CachePolicy read(String yaml) {
    try {
      return PolicyYaml.readPolicy(yaml);
    } catch (InvalidPolicyException e) {
      throw new AssertionError("test policy does not read: " + e.getMessage(), e);
    }
  }

  /** Compiles a policy the test expects to be valid. */
  public static CompiledConfig compile(CachePolicy policy) {
    try {
      return new PolicyCompiler().compile(policy);
    } catch (InvalidPolicyException e) {
      throw new AssertionError("test policy does not compile: " + e.getMessage(), e);
    }
  }

  public static List<FieldError> errors(CachePolicy policy) {
    return new PolicyValidator().validate(policy);
  }

  /** Asserts that the policy has exactly one error, on {@code field}, whose reason contains {@code reason}. */
  public static void assertOnlyError(CachePolicy policy, String field, String reason) {
    assertOnlyError(errors(policy), field, reason);
  }

  public static void assertOnlyError(List<FieldError> errors, String field, String reason) {
    assertThat(errors).as("errors").hasSize(1);
    assertThat(errors.getFirst().field()).isEqualTo(field);
    assertThat(errors.getFirst().reason()).contains(reason);
  }

  public static void assertValid(CachePolicy policy) {
    assertThat(errors(policy)).as("errors of %s", PolicyYaml.write(policy.getSpec())).isEmpty();
  }
}
