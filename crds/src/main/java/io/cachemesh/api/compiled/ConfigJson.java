package io.cachemesh.api.compiled;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** The compiled config's JSON form: what the ConfigMap holds and the sidecar reads. */
public final class ConfigJson {
  /** Sorted, so equal configs give equal bytes (the hash and the ConfigMap do not churn). */
  static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .serializationInclusion(JsonInclude.Include.ALWAYS)
      .build();

  private ConfigJson() {}

  public static String write(CompiledConfig config) {
    try {
      return CANONICAL.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a compiled config", e);
    }
  }

  /**
   * Reads a compiled config, refusing one of another schema version or whose hash does not match
   * its content (a truncated or hand-edited file).
   *
   * @throws IOException naming what is wrong
   */
  public static CompiledConfig read(byte[] json) throws IOException {
    CompiledConfig config = CANONICAL.readValue(json, CompiledConfig.class);
    if (config.schemaVersion() != CompiledConfig.SCHEMA_VERSION) {
      throw new IOException("schemaVersion " + config.schemaVersion() + " is not supported (this sidecar reads "
          + CompiledConfig.SCHEMA_VERSION + ")");
    }
    if (config.rules() == null || config.defaults() == null || config.memory() == null
        || config.shared() == null || config.invalidation() == null || config.policy() == null) {
      throw new IOException("compiled config is incomplete: policy, rules, defaults, memory, shared and invalidation are required");
    }
    String expected = ConfigHash.of(config);
    if (!expected.equals(config.hash())) {
      throw new IOException("hash " + config.hash() + " does not match the content (" + expected + ")");
    }
    return config;
  }
}
