package io.cachemesh.sidecar.config;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.validation.InvalidPolicyException;
import io.cachemesh.api.yaml.PolicyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The two config sources: a policy YAML (standalone) and a compiled JSON (injected). */
public final class ConfigFiles {
  private ConfigFiles() {}

  /** @throws InvalidPolicyException with every field error when the policy does not validate */
  public static CompiledConfig compilePolicy(Path file) throws IOException, InvalidPolicyException {
    CachePolicy policy = PolicyYaml.readPolicy(file);
    return new PolicyCompiler().compile(policy);
  }

  /** @throws IOException naming what is wrong (missing, unreadable, bad JSON, wrong hash or schema) */
  public static CompiledConfig readCompiled(Path file) throws IOException {
    return CompiledConfigReader.read(Files.readAllBytes(file));
  }
}
