package io.cachemesh.api.validation;

import io.cachemesh.api.compiled.PathTemplate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Tag templates such as {@code product:{id}}: well-formed, free of whitespace (tags travel
 * space-separated in one header), and naming only parameters the rule's path defines.
 */
final class TagTemplateCheck {
  private TagTemplateCheck() {}

  /** The site's tags serve requests no rule matched, which have no path parameters. */
  static void checkSiteTags(List<String> tags, List<FieldError> errors) {
    check("spec.defaults.tags", tags, List.of(), "spec.defaults.tags apply where no path parameters exist;"
        + " move tags that use parameters to a rule with a template or regex", errors);
  }

  /**
   * @param params the rule's path parameters, or null when its path is invalid (already reported)
   */
  static void checkRuleTags(String at, List<String> tags, Collection<String> params, List<FieldError> errors) {
    String hint = params == null || params.isEmpty()
        ? "this rule's path has no parameters; use a template (/products/{id}) or a regex with named groups"
        : "this rule's path defines " + String.join(", ", params.stream().map(p -> "{" + p + "}").toList());
    check(at, tags, params, hint, errors);
  }

  private static void check(String at, List<String> tags, Collection<String> params, String hint, List<FieldError> errors) {
    if (tags == null) {
      return;
    }
    for (int i = 0; i < tags.size(); i++) {
      String field = at + "[" + i + "]";
      String tag = tags.get(i);
      if (PolicyValidator.isBlank(tag)) {
        errors.add(new FieldError(field, "is empty: write a tag such as product:{id}"));
        continue;
      }
      if (tag.chars().anyMatch(Character::isWhitespace)) {
        errors.add(new FieldError(field, "'" + tag + "' contains whitespace: tags are sent space-separated, so one tag cannot hold a space"));
        continue;
      }
      List<String> used = new ArrayList<>();
      String problem = parse(tag, used);
      if (problem != null) {
        errors.add(new FieldError(field, "'" + tag + "' " + problem));
        continue;
      }
      if (params == null) {
        continue;
      }
      for (String param : used) {
        if (!params.contains(param)) {
          errors.add(new FieldError(field, "'{" + param + "}' is not a path parameter: " + hint));
        }
      }
    }
  }

  /** Collects the {@code {param}} names of a tag template; returns what is wrong with it, or null. */
  static String parse(String tag, List<String> params) {
    int i = 0;
    while (i < tag.length()) {
      int open = tag.indexOf('{', i);
      int close = tag.indexOf('}', i);
      if (close >= 0 && (open < 0 || close < open)) {
        return "has an unbalanced '}' at position " + close;
      }
      if (open < 0) {
        return null;
      }
      if (close < 0) {
        return "has an unclosed '{' at position " + open;
      }
      String name = tag.substring(open + 1, close);
      if (!PathTemplate.PARAM_NAME.matcher(name).matches()) {
        return "has a bad parameter '{" + name + "}': a parameter is a letter followed by letters or digits";
      }
      params.add(name);
      i = close + 1;
    }
    return null;
  }
}
