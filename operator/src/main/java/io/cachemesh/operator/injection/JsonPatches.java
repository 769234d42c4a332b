package io.cachemesh.operator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A minimal RFC 6902 JSON patch between two documents: only the paths that change. Objects are
 * compared member by member. Arrays of objects keyed by a unique {@code name} (containers, volumes,
 * ports, env: Kubernetes' merge keys) that change length are aligned by name when their relative
 * order is kept, so
 * inserting an init container at the front or a container at the end is one {@code add} at that
 * index and a renamed port inside a kept container is one {@code replace}. Other arrays are compared
 * by their common prefix and suffix; one changed in its middle by a different number of elements is
 * replaced whole.
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
    // Same length: element by element, so a renamed port stays one replace of its name.
    if (from.size() == to.size() || !diffByName(path, from, to, ops)) {
      diffByPosition(path, from, to, ops);
    }
  }

  private static boolean diffByName(String path, ArrayNode from, ArrayNode to, ArrayNode ops) {
    List<String> fromNames = names(from);
    List<String> toNames = names(to);
    if (fromNames == null || toNames == null) {
      return false;
    }
    List<String> kept = fromNames.stream().filter(toNames::contains).toList();
    if (!kept.equals(toNames.stream().filter(fromNames::contains).toList())) {
      return false;
    }
    for (int i = fromNames.size() - 1; i >= 0; i--) {
      if (!toNames.contains(fromNames.get(i))) {
        op(ops, "remove", path + "/" + i);
      }
    }
    // After the removals the array holds the kept elements in order; walking the target inserts new
    // elements where they belong, so each index below is the element's final index.
    for (int i = 0; i < to.size(); i++) {
      int old = fromNames.indexOf(toNames.get(i));
      if (old < 0) {
        op(ops, "add", path + "/" + i).set("value", to.get(i));
      } else {
        diff(path + "/" + i, from.get(old), to.get(i), ops);
      }
    }
    return true;
  }

  /** The {@code name} of every element, or null when some element has none or two share one. */
  private static List<String> names(ArrayNode array) {
    List<String> names = new ArrayList<>();
    for (JsonNode element : array) {
      JsonNode name = element.get("name");
      if (!element.isObject() || name == null || !name.isTextual() || names.contains(name.asText())) {
        return null;
      }
      names.add(name.asText());
    }
    return names;
  }

  private static void diffByPosition(String path, ArrayNode from, ArrayNode to, ArrayNode ops) {
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
