package io.cachemesh.api.compiled;

import io.cachemesh.api.PathMatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path matcher. Templates are compiled to a regex whose named groups are the template's
 * parameters; a parameter matches one non-empty path segment.
 *
 * @param value the exact path, the prefix, the template or the regex, as written in the policy
 * @param regex for TEMPLATE and REGEX: the regex matched against the whole path; else null
 * @param params names of the path parameters, in order
 */
public record CompiledPath(Kind kind, String value, String regex, List<String> params) {

  public enum Kind { EXACT, PREFIX, TEMPLATE, REGEX }

  /**
   * The matcher for a path match that has exactly one of its fields set (as validated).
   *
   * @throws IllegalArgumentException when the template does not parse
   */
  public static CompiledPath of(PathMatch path) {
    if (path.exact() != null) {
      return new CompiledPath(Kind.EXACT, path.exact(), null, List.of());
    }
    if (path.prefix() != null) {
      return new CompiledPath(Kind.PREFIX, path.prefix(), null, List.of());
    }
    if (path.template() != null) {
      PathTemplate template = PathTemplate.parse(path.template());
      return new CompiledPath(Kind.TEMPLATE, path.template(), template.regex(), template.params());
    }
    return new CompiledPath(Kind.REGEX, path.regex(), path.regex(), PathTemplate.namedGroups(path.regex()));
  }

  // Derived from regex and shared, so it stays out of the record's JSON and equality.
  private Pattern pattern() {
    return PatternCache.get(regex);
  }

  public boolean matches(String path) {
    return switch (kind) {
      case EXACT -> value.equals(path);
      case PREFIX -> path.startsWith(value);
      case TEMPLATE, REGEX -> pattern().matcher(path).matches();
    };
  }

  public Map<String, String> params(String path) {
    if (params.isEmpty()) {
      return Map.of();
    }
    Matcher m = pattern().matcher(path);
    if (!m.matches()) {
      return Map.of();
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String param : params) {
      values.put(param, m.group(param));
    }
    return values;
  }
}
