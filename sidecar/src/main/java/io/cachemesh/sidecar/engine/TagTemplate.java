package io.cachemesh.sidecar.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A rule's tag template such as {@code product:{id}}, split once into literals and parameter names. */
record TagTemplate(List<String> literals, List<String> params) {

  static TagTemplate parse(String template) {
    List<String> literals = new ArrayList<>();
    List<String> params = new ArrayList<>();
    int i = 0;
    while (true) {
      int open = template.indexOf('{', i);
      int close = open < 0 ? -1 : template.indexOf('}', open);
      if (open < 0 || close < 0) {
        literals.add(template.substring(i));
        break;
      }
      literals.add(template.substring(i, open));
      params.add(template.substring(open + 1, close));
      i = close + 1;
    }
    return new TagTemplate(List.copyOf(literals), List.copyOf(params));
  }

  /** The tag for these path parameters; null when one is missing (the template does not apply). */
  String expand(Map<String, String> values) {
    if (params.isEmpty()) {
      return literals.getFirst();
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < params.size(); i++) {
      String v = values.get(params.get(i));
      if (v == null) {
        return null;
      }
      sb.append(literals.get(i)).append(v);
    }
    return sb.append(literals.getLast()).toString();
  }
}
