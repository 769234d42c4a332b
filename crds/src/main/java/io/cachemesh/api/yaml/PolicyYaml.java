package io.cachemesh.api.yaml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.validation.FieldError;
import io.cachemesh.api.validation.InvalidPolicyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and writes the API objects as YAML, strictly: an unknown or mistyped field is an error
 * naming its path, because a misspelt {@code tll} silently ignored is a policy that caches wrong.
 */
public final class PolicyYaml {
  private static final ObjectMapper YAML = new ObjectMapper(
      new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private PolicyYaml() {}

  public static CachePolicy readPolicy(Path file) throws IOException, InvalidPolicyException {
    return readPolicy(Files.readString(file));
  }

  public static CachePolicy readPolicy(String yaml) throws InvalidPolicyException {
    return read(yaml, CachePolicy.class, CachePolicy.KIND);
  }

  public static CacheInvalidation readInvalidation(String yaml) throws InvalidPolicyException {
    return read(yaml, CacheInvalidation.class, CacheInvalidation.KIND);
  }

  public static String write(Object resource) {
    try {
      return YAML.writeValueAsString(resource);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }

  private static <T> T read(String yaml, Class<T> type, String kind) throws InvalidPolicyException {
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw invalid("(document)", "is not valid YAML: " + firstLine(e.getOriginalMessage()));
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw invalid("(document)", "is empty");
    }
    if (!tree.isObject()) {
      throw invalid("(document)", "must be a mapping with apiVersion, kind, metadata and spec");
    }
    // Checked on the document: the custom resource types report their own kind, whatever was read.
    requireText(tree, "kind", kind);
    requireText(tree, "apiVersion", CachePolicy.API_VERSION);
    try {
      return YAML.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      throw invalid(path(e), "unknown field");
    } catch (JsonMappingException e) {
      throw invalid(path(e), firstLine(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw invalid("(document)", "is invalid: " + firstLine(e.getOriginalMessage()));
    }
  }

  private static void requireText(JsonNode tree, String field, String expected) throws InvalidPolicyException {
    JsonNode actual = tree.get(field);
    if (actual == null || !expected.equals(actual.asText())) {
      throw invalid(field, "must be " + expected + ", not " + (actual == null ? "missing" : actual.asText()));
    }
  }

  private static InvalidPolicyException invalid(String field, String reason) {
    return new InvalidPolicyException(List.of(new FieldError(field, reason)));
  }

  /** Jackson's reference chain as a kubectl-style field path: spec.rules[0].ttl. */
  static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.isEmpty() ? "(document)" : out.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "is invalid";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
