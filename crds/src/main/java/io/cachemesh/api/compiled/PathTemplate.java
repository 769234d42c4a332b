package io.cachemesh.api.compiled;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path template such as {@code /shops/{shop}/products/{id}}: literal text and {@code {param}}
 * placeholders, each matching one non-empty path segment.
 */
public record PathTemplate(String template, String regex, List<String> params) {
  /** Parameter names double as regex group names, so they follow Java's group-name rules. */
  public static final Pattern PARAM_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9]*");
  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  /** @throws IllegalArgumentException saying what is wrong with the template */
  public static PathTemplate parse(String template) {
    if (template == null || !template.startsWith("/")) {
      throw new IllegalArgumentException("a path template must start with /");
    }
    StringBuilder regex = new StringBuilder("^");
    List<String> params = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = template.indexOf('}', i);
      if (close >= 0 && (open < 0 || close < open)) {
        throw new IllegalArgumentException("unbalanced '}' at position " + close);
      }
      if (open < 0) {
        regex.append(Pattern.quote(template.substring(i)));
        break;
      }
      if (open > i) {
        regex.append(Pattern.quote(template.substring(i, open)));
      }
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '{' at position " + open);
      }
      String name = template.substring(open + 1, close);
      if (!PARAM_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("parameter '{" + name + "}' must be a letter followed by letters or digits");
      }
      if (params.contains(name)) {
        throw new IllegalArgumentException("parameter '{" + name + "}' appears twice");
      }
      params.add(name);
      regex.append("(?<").append(name).append(">[^/]+)");
      i = close + 1;
    }
    regex.append("$");
    return new PathTemplate(template, regex.toString(), List.copyOf(params));
  }

  /** The literal text before the first parameter: every path the template matches starts with it. */
  public String literalPrefix() {
    int open = template.indexOf('{');
    return open < 0 ? template : template.substring(0, open);
  }

  /** Named groups of a path regex, which tag templates may refer to. */
  public static List<String> namedGroups(String regex) {
    List<String> names = new ArrayList<>();
    Matcher m = NAMED_GROUP.matcher(regex);
    while (m.find()) {
      names.add(m.group(1));
    }
    return List.copyOf(names);
  }
}
