package io.cachemesh.api.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A generated CRD's {@code openAPIV3Schema} as a JSON Schema, checking a document as the API server
 * would with strict field validation (what {@code kubectl apply} does by default): the
 * {@code x-kubernetes-*} extensions are dropped (CEL rules are the semantic validator's job), every
 * object with declared properties refuses unknown ones, and apiVersion, kind and metadata, which
 * the API server checks itself, are declared at the root.
 */
final class CrdSchema {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields";

  private final Schema schema;

  private CrdSchema(Schema schema) {
    this.schema = schema;
  }

  static CrdSchema load(Path crdFile) throws IOException {
    JsonNode crd = YAML.readTree(crdFile.toFile());
    JsonNode openApi = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    if (!openApi.isObject()) {
      throw new IOException(crdFile + " has no spec.versions[0].schema.openAPIV3Schema");
    }
    ObjectNode root = (ObjectNode) openApi.deepCopy();
    convert(root);
    ObjectNode properties = root.withObject("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    properties.putObject("metadata").put("type", "object");
    root.putArray("required").add("apiVersion").add("kind").add("metadata").add("spec");
    return new CrdSchema(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root));
  }

  List<Error> validate(JsonNode document) {
    return schema.validate(document);
  }

  /** Rewrites one schema node in place, then its sub-schemas. */
  private static void convert(ObjectNode node) {
    boolean preserveUnknown = node.path(PRESERVE_UNKNOWN).asBoolean(false);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      if (names.next().startsWith("x-kubernetes-")) {
        names.remove();
      }
    }
    if (node.get("properties") instanceof ObjectNode properties) {
      if (!preserveUnknown && !node.has("additionalProperties")) {
        node.put("additionalProperties", false);
      }
      for (Map.Entry<String, JsonNode> property : properties.properties()) {
        convertIfSchema(property.getValue());
      }
    }
    convertIfSchema(node.get("items"));
    convertIfSchema(node.get("additionalProperties"));
    for (String combinator : List.of("anyOf", "allOf", "oneOf")) {
      if (node.get(combinator) instanceof ArrayNode options) {
        options.forEach(CrdSchema::convertIfSchema);
      }
    }
  }

  private static void convertIfSchema(JsonNode node) {
    if (node instanceof ObjectNode schemaNode) {
      convert(schemaNode);
    }
  }
}
