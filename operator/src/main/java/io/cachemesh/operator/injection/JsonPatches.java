package io.cachemesh.operator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A minimal RFC 6902 JSON patch between two documents: only the paths that change. Objects are
 * compared member by member; arrays by their common prefix and suffix, so inserting an init container
 * at the front or a container at the end is one {@code add} at that index rather than a rewrite of the
 * array. An array changed in its middle by a different number of elements is replaced whole.
 */
public final class JsonPatches {
  private JsonPatches() {}

  public static ArrayNode diff(JsonNode from, JsonNode to) {
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    diff("", from, to, ops);
    return ops;
  }

  /** RFC 6901: {@code ~} becomes {@code ~0}, then {@code /} becomes {@code ~1}. */
  public static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static void diff(String path, JsonNode from, JsonNode to, ArrayNode ops) {
    if (from.equals(to)) {
      return;
    }
    if (from.isObject() && to.isObject()) {
      diffObjects(path, (ObjectNode) from, (ObjectNode) to, ops);
    } else if (from.isArray() && to.isArray()) {
      diffArrays(path, (ArrayNode) from, (ArrayNode) to, ops);
    } else {
      op(ops, "replace", path).set("value", to);
    }
  }

  private static void diffObjects(String path, ObjectNode from, ObjectNode to, ArrayNode ops) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String child = path + "/" + escape(field.getKey());
      JsonNode target = to.get(field.getKey());
      if (target == null) {
        op(ops, "remove", child);
      } else {
        diff(child, field.getValue(), target, ops);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = to.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!from.has(field.getKey())) {
        op(ops, "add", path + "/" + escape(field.getKey())).set("value", field.getValue());
      }
    }
  }

  private static void diffArrays(String path, ArrayNode from, ArrayNode to, ArrayNode ops) {
    int prefix = 0;
    while (prefix < from.size() && prefix < to.size() && from.get(prefix).equals(to.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < from.size() - prefix && suffix < to.size() - prefix
        && from.get(from.size() - 1 - suffix).equals(to.get(to.size() - 1 - suffix))) {
      suffix++;
    }
    int removed = from.size() - prefix - suffix;
    int added = to.size() - prefix - suffix;
    if (removed == added) {
      for (int i = prefix; i < prefix + added; i++) {
        diff(path + "/" + i, from.get(i), to.get(i), ops);
      }
    } else if (removed == 0) {
      for (int i = prefix; i < prefix + added; i++) {
        op(ops, "add", path + "/" + i).set("value", to.get(i));
      }
    } else if (added == 0) {
      // From the end, so each index is still valid when its operation runs.
      for (int i = prefix + removed - 1; i >= prefix; i--) {
        op(ops, "remove", path + "/" + i);
      }
    } else {
      op(ops, "replace", path).set("value", to);
    }
  }

  private static ObjectNode op(ArrayNode ops, String op, String path) {
    ObjectNode node = ops.addObject();
    node.put("op", op);
    node.put("path", path);
    return node;
  }
}
